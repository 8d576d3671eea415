package io.coiommu.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code bench --end-to-end-only} runs the warm-up passes and the repeats end to end and says where
 * each repeat's CPU went.
 */
class EndToEndOnlyTest {

  @Test
  void everyPassGivesItsRateItsCpuAndItsCpuByRole() {
    BenchRun run =
        BenchRun.of(
            "bench",
            "--workload",
            "fleet:hosts=1,vms=5,duration=1s,seed=3",
            "--repeats",
            "1",
            "--end-to-end-only");
    int exit = run.exitCode();
    String output = run.output();
    assertThat(exit).as(output).isZero();
    assertThat(output.split("warm-up: end to end", -1)).hasSize(EndToEndBench.WARM_UP_PASSES + 1);
    assertThat(output)
        .containsPattern("repeat 1/1: end to end [1-9][0-9,]* ev/s, CPU [0-9]+\\.[0-9]+ us/event")
        .containsPattern("CPU by role, us/event: .*stream threads [0-9]+\\.[0-9]+;")
        .containsPattern("end to end, CPU of the whole process: [0-9]+\\.[0-9]+ us/event");
  }
}
