package io.coiommu.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code bench --end-to-end-only} runs warm-up passes until the JIT settles, then the repeats end
 * to end, and says where each repeat's CPU went.
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
            "--warm-up",
            "15s",
            "--end-to-end-only");
    int exit = run.exitCode();
    String output = run.output();
    assertThat(exit).as(output).isZero();
    // Warm-up passes go on while the JIT takes 5 % or more of a pass's CPU, from the second on.
    Matcher warmUp =
        Pattern.compile(
                "warm-up ([0-9]+) \\(JVM uptime [0-9.]+-[0-9.]+ s\\): end to end .* the JIT ([0-9]+) % of it")
            .matcher(output);
    List<Integer> jitPercents = new ArrayList<>();
    while (warmUp.find()) {
      assertThat(Integer.parseInt(warmUp.group(1))).isEqualTo(jitPercents.size() + 1);
      jitPercents.add(Integer.parseInt(warmUp.group(2)));
    }
    assertThat(jitPercents.size()).isGreaterThanOrEqualTo(EndToEndBench.MIN_WARM_UP_PASSES);
    for (int w = EndToEndBench.MIN_WARM_UP_PASSES; w < jitPercents.size(); w++) {
      assertThat(jitPercents.get(w - 1)).as("warm-up %d went on", w + 1).isGreaterThanOrEqualTo(5);
    }
    // Whatever the JIT does, the passes stop once the 15 s budget is spent: a pass of this trace
    // takes about a second, its set-up included.
    assertThat(jitPercents.size()).isLessThan(40);
    Matcher uptimes =
        Pattern.compile("warm-up [0-9]+ \\(JVM uptime ([0-9.]+)-([0-9.]+) s\\)").matcher(output);
    List<Double> bounds = new ArrayList<>();
    while (uptimes.find()) {
      bounds.add(Double.parseDouble(uptimes.group(1)));
      bounds.add(Double.parseDouble(uptimes.group(2)));
    }
    // The passes before the last began within the budget (the last may end past it).
    assertThat(bounds.get(bounds.size() - 2) - bounds.get(0)).isLessThan(15.0 + 1.0);
    // And they stopped because the JIT settled or because the budget was spent.
    double took = bounds.get(bounds.size() - 1) - bounds.get(0);
    assertThat(jitPercents.get(jitPercents.size() - 1) <= 5 || took >= 14.8)
        .as("the last warm-up's JIT share %s, the warm-up %.1f s", jitPercents, took)
        .isTrue();
    assertThat(output)
        .containsPattern(
            "repeat 1/1 \\(JVM uptime [0-9.]+-[0-9.]+ s\\): end to end [1-9][0-9,]* ev/s, CPU [0-9]+\\.[0-9]+ us/event")
        .containsPattern("CPU by role, us/event: .*stream threads [0-9]+\\.[0-9]+;")
        .containsPattern(
            "after the last event was sent: [1-9][0-9]? % of the pass, [0-9]\\.[0-9]{2} cores busy;"
                + " the busiest stream thread did ([5-9][0-9]|100) % of the stream threads' CPU")
        .containsPattern("end to end, CPU of the whole process: [0-9]+\\.[0-9]+ us/event");
  }
}
