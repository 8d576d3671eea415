package io.coiommu.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code coiommu bench} at tiny sizes runs every measurement, on a real embedded broker, and prints
 * every figure.
 */
class BenchCommandTest {

  private static int exitCode;
  private static String output;

  @BeforeAll
  static void benchTheSampleBriefly() {
    BenchRun run =
        BenchRun.of(
            "bench",
            "--workload",
            "sample:duration=2s",
            "--repeats",
            "1",
            "--latency-seconds",
            "1",
            "--perf-records",
            "2000",
            "--heap-pages",
            "2000",
            "--warm-up",
            "10s");
    exitCode = run.exitCode();
    output = run.output();
  }

  @Test
  void succeeds() {
    assertThat(exitCode).as(output).isZero();
  }

  @Test
  void printsEveryThroughputFigureAndBothRatios() {
    assertThat(output)
        .containsPattern("1\\. engine only, 8 default scenarios, 1 thread +[0-9,.]+ events/s")
        .containsPattern(
            "engine only, coiommu:unpin=lru,interval=10s,limit=8192 alone +[0-9,.]+ events/s")
        .containsPattern("2\\. end to end, 8 default scenarios +[0-9,.]+ events/s")
        .containsPattern(
            "end to end, CPU of the whole process +[0-9][0-9,.]*( +\\(.*\\))? us/event")
        .containsPattern("3\\. ProducerPerformance, 100-byte records +[0-9,.]+ records/s")
        .containsPattern("2/1 end to end / engine only +[0-9.]+")
        .containsPattern("2/1 were the cores busy throughout, at most +[0-9.]+ .*[0-9]+ cores")
        .containsPattern("cores busy during end to end +[01]\\.[0-9]+ ")
        // The processor still works after the broker acknowledged the last event (at least the
        // commit that shows the last results), and the busier of two stream threads did at least
        // half of their work.
        .containsPattern(
            "share of end to end after the last event sent +0\\.(0[1-9]|[1-9][0-9]) .*\\("
                + "[0-9]\\.[0-9]{2}.* cores busy then\\)")
        .containsPattern("busiest stream thread's share of their CPU +(0\\.[5-9][0-9]|1\\.00) ")
        .containsPattern("2/3 end to end / ProducerPerformance +[0-9.]+");
  }

  /** Issue #14's figures that every workload has, each with a figure that was measured. */
  @Test
  void printsChangelogBytesPeakHeapAndTheGenerator() {
    assertThat(output)
        .containsPattern("state changelog bytes per second of trace +[1-9][0-9,.]* B/s")
        .containsPattern("state bytes committed per second of trace +[1-9][0-9,.]* B/s")
        .containsPattern("same commits writing whole VM states \\(before\\) +[1-9][0-9,.]* B/s")
        .containsPattern("peak heap used during end to end \\(pools' peaks\\) +[1-9][0-9,.]* MiB")
        .containsPattern("workload generator alone, events/s +[0-9,]+ +target >= 5,000,000")
        .containsPattern(
            "workload generator alone, 1 thread +[0-9,]+ events/s  \\(after [1-5] untimed drains\\)");
  }

  @Test
  void printsHeapPerPageForEveryDefaultScenario() {
    assertThat(output).contains("heap per tracked page");
    for (String scenario :
        new String[] {
          "static",
          "viommu-strict",
          "viommu-lazy:queue=256,timeout=10ms",
          "virtio-iommu",
          "coiommu:unpin=lru,interval=10s,limit=8192,gen=10,smart=on,lazy=on,pinahead=0",
          "oracle"
        }) {
      assertThat(output)
          .containsPattern("\n  " + java.util.regex.Pattern.quote(scenario) + "( +-?[0-9.]+){4}\n");
    }
  }

  @Test
  void printsLatencyPercentiles() {
    assertThat(output).containsPattern("p50 [0-9.]+ s, p99 [0-9.]+ s");
  }

  @Test
  void comparesEveryFigureWithItsTarget() {
    for (Target target : Target.values()) {
      if (target == Target.ENGINE_FLEET_OVER_SMALL) {
        continue; // a fleet's alone: BenchFleetTest
      }
      assertThat(output)
          .containsPattern(
              "(?m)^  "
                  + java.util.regex.Pattern.quote(target.line(0).substring(2, 40))
                  + ".*target [<>]= .*(met|missed by [0-9]+%)");
    }
  }
}
