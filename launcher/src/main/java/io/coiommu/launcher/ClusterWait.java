package io.coiommu.launcher;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for a Kafka cluster that is not up yet or slow to answer: every role starts with it, so
 * roles can be started in any order (the dashboard before the brokers, say) and survive a cluster
 * that takes its time.
 */
final class ClusterWait {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterWait.class);

  /**
   * One request: a cold client's first metadata fetch takes seconds; the role's --timeout bounds
   * the whole wait.
   */
  static final Duration REQUEST = Duration.ofSeconds(5);

  /** How often the wait is logged. */
  private static final long LOG_EVERY_NANOS = 10_000_000_000L;

  private ClusterWait() {}

  /**
   * Returns the number of brokers once the cluster answers.
   *
   * @throws TimeoutException when it has not answered within {@code timeout}, with the last error
   *     as cause
   */
  static int brokers(Properties client, Duration timeout)
      throws TimeoutException, InterruptedException {
    long start = System.nanoTime();
    long nextLog = start;
    Exception last = null;
    try (Admin admin = Admin.create(client)) {
      while (true) {
        try {
          int n =
              admin
                  .describeCluster(new DescribeClusterOptions().timeoutMs((int) REQUEST.toMillis()))
                  .nodes()
                  .get()
                  .size();
          if (n > 0) {
            if (last != null) {
              LOG.info(
                  "the Kafka cluster answered after {} s: {} brokers",
                  (System.nanoTime() - start) / 1_000_000_000L,
                  n);
            }
            return n;
          }
        } catch (ExecutionException e) {
          last = e.getCause() instanceof Exception cause ? cause : e;
        }
        long now = System.nanoTime();
        if (now - start > timeout.toNanos()) {
          TimeoutException t =
              new TimeoutException(
                  "the Kafka cluster at "
                      + client.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
                      + " did not answer within "
                      + timeout);
          t.initCause(last);
          throw t;
        }
        if (now - nextLog >= 0) {
          LOG.info(
              "waiting for the Kafka cluster at {} (until {} s from start): {}",
              client.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG),
              timeout.toSeconds(),
              last == null ? "no broker yet" : last.getMessage());
          nextLog = now + LOG_EVERY_NANOS;
        }
        Thread.sleep(500);
      }
    }
  }
}
