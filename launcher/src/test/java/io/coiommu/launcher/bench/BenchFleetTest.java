package io.coiommu.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code coiommu bench --workload fleet:...} also measures the engine on the fleet's 10-VM
 * reference and prints the ratio with its target.
 */
class BenchFleetTest {

  @Test
  void aFleetIsComparedWithItsTenVmFleet() {
    BenchRun run =
        BenchRun.of(
            "bench",
            "--workload",
            "fleet:hosts=2,vms=20,duration=1s,seed=3",
            "--repeats",
            "1",
            "--latency-seconds",
            "0",
            "--perf-records",
            "2000",
            "--heap-pages",
            "2000",
            "--warm-up",
            "10s");
    int exit = run.exitCode();
    String output = run.output();
    assertThat(exit).as(output).isZero();
    assertThat(output)
        .containsPattern("engine only, 8 default scenarios, its 10-VM fleet +[1-9][0-9,]* events/s")
        .containsPattern(
            "engine only, this fleet / its 10-VM fleet +[0-9]+\\.[0-9]+ +target >= 0\\.80");
  }
}
