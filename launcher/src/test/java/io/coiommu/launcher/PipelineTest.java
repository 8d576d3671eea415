package io.coiommu.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.analytics.RunSummary;
import io.coiommu.analytics.ScenarioRun;
import io.coiommu.analytics.VmRun;
import io.coiommu.analytics.WindowMetric;
import io.coiommu.processor.ProcessorConfig;
import io.coiommu.producer.Pacing;
import io.coiommu.producer.ProgressListener;
import io.coiommu.producer.Workloads;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole path, trace to results, on a real in-process KRaft broker with the built-in sample. */
class PipelineTest {

  private static Pipeline.Result result;
  private static String log;

  @BeforeAll
  static void runTheSample() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      result =
          Pipeline.run(
              new Pipeline.Options(
                  null,
                  () -> Workloads.open(Workloads.SAMPLE),
                  ProcessorConfig.defaults(),
                  2,
                  Pacing.parse("max"),
                  Duration.ofMinutes(3),
                  ProgressListener.NONE),
              out);
    }
    log = bytes.toString(StandardCharsets.UTF_8);
  }

  private static ScenarioRun scenario(String policySpecPrefix) {
    return result.summary().scenarios().stream()
        .filter(
            s ->
                s.scenario().equals(policySpecPrefix)
                    || s.scenario().startsWith(policySpecPrefix + ":"))
        .filter(s -> !s.scenario().contains("smart=off") && !s.scenario().contains("lazy=off"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no scenario " + policySpecPrefix));
  }

  @Test
  void everyScenarioReportsEveryVmOfTheSample() {
    RunSummary summary = result.summary();
    assertThat(result.vms()).hasSizeGreaterThanOrEqualTo(3);
    assertThat(summary.complete(result.vms(), ProcessorConfig.defaults().scenarios().size()))
        .isTrue();
    assertThat(summary.scenarios()).hasSize(8);
    assertThat(log).contains("embedded Kafka broker");
  }

  @Test
  void staticPinsAllGuestMemoryOfEveryVm() {
    for (VmRun vm : scenario("static").vms()) {
      assertThat(vm.peakPinnedBytes()).as(vm.vm()).isEqualTo(vm.guestBytes());
    }
  }

  @Test
  void coiommuPinsLessThanStaticAndNotifiesLessThanStrictVirtualIommu() {
    ScenarioRun stat = scenario("static");
    ScenarioRun coiommu = scenario("coiommu");
    ScenarioRun strict = scenario("viommu-strict");
    assertThat(coiommu.fleet().peakPinnedBytes()).isLessThan(stat.fleet().peakPinnedBytes());
    assertThat(strict.fleet().total(WindowMetric.NOTIFICATIONS))
        .isGreaterThan(coiommu.fleet().total(WindowMetric.NOTIFICATIONS));
    for (VmRun vm : coiommu.vms()) {
      assertThat(vm.peakPinnedBytes()).as(vm.vm()).isLessThan(vm.guestBytes());
    }
  }

  @Test
  void noScenarioEverLetsADeviceTouchAnUnpinnedPage() {
    for (ScenarioRun s : result.summary().scenarios()) {
      assertThat(s.fleet().total(WindowMetric.DMA_SAFETY_VIOLATIONS)).as(s.scenario()).isZero();
    }
  }
}
