package io.coiommu.launcher;

import io.coiommu.analytics.ResultsConsumer;
import io.coiommu.analytics.RunSummary;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the result topic into a summary on its own thread from the start of a run, so the summary
 * (and whatever serves it) follows the replay live instead of filling up at the end.
 */
final class ResultsFollower implements AutoCloseable {

  private final RunSummary summary;
  private final Thread thread;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean stop;

  private ResultsFollower(
      Properties client, String applicationId, RunSummary summary, Map<TopicPartition, Long> from) {
    this.summary = summary;
    this.thread =
        new Thread(
            () -> {
              try {
                ResultsConsumer.follow(client, applicationId, summary, r -> {}, () -> stop, from);
              } catch (Throwable t) {
                failure.set(t);
              }
            },
            "coiommu-results");
    thread.setDaemon(true);
  }

  /** Follows the results of {@code applicationId} only, from {@code from} (the run's start). */
  static ResultsFollower start(
      Properties client, String applicationId, RunSummary summary, Map<TopicPartition, Long> from) {
    ResultsFollower f = new ResultsFollower(client, applicationId, summary, from);
    f.thread.start();
    return f;
  }

  /**
   * Waits until every (scenario, VM) has sent its last record.
   *
   * @param healthCheck throws when waiting longer is pointless (the processor died)
   */
  void awaitComplete(Set<String> vms, int scenarios, Duration timeout, Runnable healthCheck)
      throws Exception {
    synchronized (summary) {
      summary.expect(vms, scenarios);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      synchronized (summary) {
        if (summary.complete(vms, scenarios)) {
          return;
        }
        if (System.nanoTime() - deadline > 0) {
          throw new TimeoutException(
              "results incomplete after "
                  + timeout
                  + "; missing the last record of "
                  + summary.missing(vms));
        }
      }
      Throwable t = failure.get();
      if (t != null) {
        throw new IllegalStateException("reading results failed: " + t, t);
      }
      healthCheck.run();
      Thread.sleep(50);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join(10_000);
  }
}
