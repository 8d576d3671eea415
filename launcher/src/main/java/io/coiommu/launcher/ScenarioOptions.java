package io.coiommu.launcher;

import io.coiommu.processor.ProcessorConfig;
import io.coiommu.processor.engine.EngineConfig;
import io.coiommu.processor.engine.Scenario;
import io.coiommu.processor.engine.ScenarioSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * What the processor evaluates: scenarios side by side, and the window of trace time of its
 * results.
 */
final class ScenarioOptions {

  @Option(
      names = "--scenarios",
      paramLabel = "SPEC",
      description =
          "Scenarios to evaluate side by side (grammar in docs/policies.md). Default: ${DEFAULT-VALUE}")
  String scenarios = ScenarioSpec.DEFAULTS;

  @Option(
      names = "--sweep",
      paramLabel = "SPEC",
      description =
          "Adds one scenario per value of a parameter range, e.g. coiommu:unpin=lru,interval=1s/2s/5s/10s "
              + "(grammar in docs/policies.md). Repeatable.")
  List<String> sweeps = new ArrayList<>();

  @Option(
      names = "--window",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Window of trace time of the results. Default: 1s")
  Duration window = Duration.ofSeconds(1);

  @Option(
      names = "--reorder-bound",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Events of one VM this far out of trace-time order are put back in order; older ones become "
              + "LATE_EVENT anomalies. Default: 10ms")
  Duration reorderBound = Duration.ofNanos(ProcessorConfig.DEFAULT_REORDER_BOUND_NS);

  ProcessorConfig processorConfig() {
    List<Scenario> all = new ArrayList<>(ScenarioSpec.parse(scenarios));
    for (String sweep : sweeps) {
      all.addAll(ScenarioSpec.sweep(sweep));
    }
    return new ProcessorConfig(
        all, EngineConfig.defaults().withWindowNs(window.toNanos()), reorderBound.toNanos());
  }
}
