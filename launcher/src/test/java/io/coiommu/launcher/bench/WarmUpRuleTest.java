package io.coiommu.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Untimed passes end to end go on until the JIT threads take less than 5 % of a pass's CPU: no
 * fewer than two, no longer than the warm-up's budget once two have run, and two where the threads'
 * roles cannot be read.
 */
class WarmUpRuleTest {

  /** A pass of 10 s of process CPU, split among {@code roles} as given. */
  private static EndToEndBench.Outcome pass(Map<String, Double> roles) {
    return new EndToEndBench.Outcome(
        1_000_000, 0, 1, 10_000_000_000L, roles, 0, 0, 0, 0, 1, 0, Double.NaN);
  }

  private static EndToEndBench.Outcome jit(double seconds) {
    return pass(Map.of(ThreadCpu.JIT, seconds, "stream threads", 10 - seconds));
  }

  @Test
  void theJitsShareIsItsThreadsCpuOverTheProcesss() {
    assertThat(jit(1.5).jitShare()).isEqualTo(0.15);
    assertThat(pass(Map.of("stream threads", 9.0)).jitShare()).isZero();
    assertThat(pass(Map.of()).jitShare()).isNaN();
  }

  private static final Duration BUDGET = Duration.ofMinutes(2);

  private static boolean warmedUp(int passes, int seconds, EndToEndBench.Outcome last) {
    return EndToEndBench.warmedUp(passes, Duration.ofSeconds(seconds), BUDGET, last);
  }

  @Test
  void aSettledJitEndsTheWarmUpFromTheSecondPassOn() {
    assertThat(warmedUp(1, 5, jit(0.1))).isFalse();
    assertThat(warmedUp(2, 10, jit(0.49))).isTrue();
    assertThat(warmedUp(2, 10, jit(0.5))).isFalse();
    // Six passes no longer end it: short passes leave the broker's per-request code uncompiled.
    assertThat(warmedUp(6, 30, jit(2.0))).isFalse();
    assertThat(warmedUp(20, 119, jit(0.6))).isFalse();
  }

  @Test
  void theBudgetEndsItWhateverTheJitDoesButNotBeforeTheSecondPass() {
    assertThat(warmedUp(12, 120, jit(2.0))).isTrue();
    assertThat(warmedUp(1, 300, jit(2.0))).isFalse();
    assertThat(warmedUp(2, 300, jit(2.0))).isTrue();
  }

  @Test
  void withoutThreadRolesTwoPassesAreTheWarmUp() {
    assertThat(warmedUp(1, 5, pass(Map.of()))).isFalse();
    assertThat(warmedUp(2, 10, pass(Map.of()))).isTrue();
  }

  @Test
  void aWarmUpCountsItsPassesAndTheTimeSinceItBegan() throws Exception {
    assertThat(passesRun(Duration.ofDays(1), 0.1, 2.0, 0.1, 0.1)).isEqualTo(3);
    assertThat(passesRun(Duration.ZERO, 2.0, 2.0, 2.0)).isEqualTo(2);
  }

  /** How many passes {@link EndToEndBench#warmUp} runs, the JIT taking the seconds given. */
  private static int passesRun(Duration budget, double... jitSeconds) throws Exception {
    List<Integer> numbers = new ArrayList<>();
    EndToEndBench.warmUp(
        budget,
        w -> {
          numbers.add(w);
          return jit(jitSeconds[w - 1]);
        });
    assertThat(numbers).isEqualTo(IntStream.rangeClosed(1, numbers.size()).boxed().toList());
    return numbers.size();
  }
}
