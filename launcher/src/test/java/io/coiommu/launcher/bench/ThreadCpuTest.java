package io.coiommu.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
}
