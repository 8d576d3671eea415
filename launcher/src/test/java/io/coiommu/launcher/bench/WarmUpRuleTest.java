package io.coiommu.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Untimed passes end to end go on until the JIT threads take less than 5 % of a pass's CPU: no
 * fewer than two, no more than six, and two where the threads' roles cannot be read.
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

  @Test
  void aSettledJitEndsTheWarmUpFromTheSecondPassOn() {
    assertThat(EndToEndBench.warmedUp(1, jit(0.1))).isFalse();
    assertThat(EndToEndBench.warmedUp(2, jit(0.49))).isTrue();
    assertThat(EndToEndBench.warmedUp(2, jit(0.5))).isFalse();
    assertThat(EndToEndBench.warmedUp(5, jit(2.0))).isFalse();
  }

  @Test
  void theSixthPassEndsItWhateverTheJitDoes() {
    assertThat(EndToEndBench.warmedUp(6, jit(2.0))).isTrue();
  }

  @Test
  void withoutThreadRolesTwoPassesAreTheWarmUp() {
    assertThat(EndToEndBench.warmedUp(1, pass(Map.of()))).isFalse();
    assertThat(EndToEndBench.warmedUp(2, pass(Map.of()))).isTrue();
  }
}
