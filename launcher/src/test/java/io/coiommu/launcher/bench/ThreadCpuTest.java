package io.coiommu.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Where the end-to-end bench's CPU went, by what each thread of the process does. */
class ThreadCpuTest {

  @Test
  void threadsAreNamedByTheirRole() {
    assertThat(ThreadCpu.role("java")).isEqualTo("trace producer (main)");
    assertThat(ThreadCpu.role("coiommu-process")).isEqualTo("stream threads");
    assertThat(ThreadCpu.role("kafka-producer-")).isEqualTo("producers' network threads");
    assertThat(ThreadCpu.role("GC Thread#1")).isEqualTo("GC");
    assertThat(ThreadCpu.role("G1 Conc#0")).isEqualTo("GC");
    assertThat(ThreadCpu.role("C2 CompilerThre")).isEqualTo("JIT");
    assertThat(ThreadCpu.role("data-plane-kafk")).isEqualTo("broker's request threads");
    assertThat(ThreadCpu.role("kafka-log-clean")).isEqualTo("kafka-log-clean");
    assertThat(ThreadCpu.role("ForkJoinPool.co")).isEqualTo("results consumer");
  }

  @Test
  void aBusyThreadsCpuIsCountedUnderItsRole() {
    ThreadCpu before = ThreadCpu.now();
    long until = System.nanoTime() + 300_000_000L;
    long spin = 0;
    while (System.nanoTime() < until) {
      spin += spin * 31 + 7;
    }
    Map<String, Double> seconds = ThreadCpu.now().since(before);
    if (!Files.isDirectory(Path.of("/proc/self/task"))) {
      assertThat(seconds).as("no /proc here: nothing to count").isEmpty();
      return;
    }
    // 0.3 s of spinning on one thread, in ticks of 10 ms: at least a tenth of it counts, even on a
    // loaded machine.
    assertThat(seconds.values().stream().mapToDouble(Double::doubleValue).sum())
        .as("spun %d", spin)
        .isGreaterThanOrEqualTo(0.03);
    assertThat(seconds.values()).allMatch(s -> s >= 0);
  }

  @Test
  void theBusiestThreadsShareOfItsRoleIsWhatItSpentOverWhatTheRoleSpent() throws Exception {
    ThreadCpu before = ThreadCpu.now();
    CountDownLatch spun = new CountDownLatch(2);
    CountDownLatch sampled = new CountDownLatch(1);
    // Stream threads are sampled while they live, as the bench samples them before Streams closes.
    spinning("coiommu-processor-busy", 400_000_000L, spun, sampled);
    spinning("coiommu-processor-idle", 100_000_000L, spun, sampled);
    assertThat(spun.await(60, TimeUnit.SECONDS)).isTrue();
    ThreadCpu after = ThreadCpu.now();
    sampled.countDown();
    if (!Files.isDirectory(Path.of("/proc/self/task"))) {
      assertThat(after.busiestShare(before, ThreadCpu.STREAM_THREADS)).isNaN();
      return;
    }
    // 0.4 s of CPU against 0.1 s, counted in ticks of 10 ms: 0.8, give or take a tick each. The
    // test's own thread, which only waited, has another role.
    assertThat(after.busiestShare(before, ThreadCpu.STREAM_THREADS)).isBetween(0.7, 0.9);
    assertThat(after.busiestShare(before, "no such role")).isNaN();
  }

  /**
   * Starts a thread that spins until it has used {@code cpuNanos} of its own CPU time, then waits
   * for {@code sampled}.
   */
  private static void spinning(
      String name, long cpuNanos, CountDownLatch spun, CountDownLatch sampled) {
    Thread t =
        new Thread(
            () -> {
              ThreadMXBean mx = ManagementFactory.getThreadMXBean();
              long spin = 0;
              while (mx.getCurrentThreadCpuTime() < cpuNanos) {
                spin += spin * 31 + 7;
              }
              sink = spin;
              spun.countDown();
              try {
                sampled.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            name);
    t.setDaemon(true);
    t.start();
  }

  private static volatile long sink;
}
