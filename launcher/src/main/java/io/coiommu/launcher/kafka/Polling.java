package io.coiommu.launcher.kafka;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/** Waiting for a state the broker reaches asynchronously (a broker unfenced, a partition led). */
final class Polling {

  private static final long INTERVAL_MS = 50;

  private Polling() {}

  /**
   * Re-checks {@code condition} until it holds. A check that throws counts as "not yet": during
   * startup and failover the brokers legitimately answer with retriable errors. The last such error
   * is kept as the cause of the timeout.
   */
  static void await(Duration timeout, String description, Callable<Boolean> condition)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception lastError = null;
    while (true) {
      try {
        if (condition.call()) {
          return;
        }
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        lastError = e;
      }
      if (System.nanoTime() - deadline > 0) {
        TimeoutException timedOut =
            new TimeoutException("timed out after " + timeout + " waiting for " + description);
        if (lastError != null) {
          timedOut.initCause(lastError);
        }
        throw timedOut;
      }
      Thread.sleep(INTERVAL_MS);
    }
  }
}
