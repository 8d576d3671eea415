package io.coiommu.processor;

import io.coiommu.processor.engine.EngineConfig;
import io.coiommu.processor.engine.Scenario;
import io.coiommu.processor.engine.ScenarioSpec;
import java.util.List;

/**
 * Everything the topology depends on: which scenarios to evaluate side by side and how the engine
 * windows and costs them. The topology is a pure function of this value.
 */
public record ProcessorConfig(List<Scenario> scenarios, EngineConfig engine, long reorderBoundNs) {

  /**
   * Events of one VM up to 10 ms of trace time out of order are put back in order: enough for the
   * jitter of traces merged from several recorders, little enough that the buffer holds a few
   * hundred events per busy VM.
   */
  public static final long DEFAULT_REORDER_BOUND_NS = 10_000_000L;

  public ProcessorConfig {
    if (scenarios.isEmpty()) {
      throw new IllegalArgumentException("at least one scenario is needed");
    }
    if (reorderBoundNs < 0) {
      throw new IllegalArgumentException(
          "the reorder bound must be >= 0 ns, got " + reorderBoundNs);
    }
    scenarios = List.copyOf(scenarios);
  }

  public ProcessorConfig(List<Scenario> scenarios, EngineConfig engine) {
    this(scenarios, engine, DEFAULT_REORDER_BOUND_NS);
  }

  public ProcessorConfig withReorderBoundNs(long ns) {
    return new ProcessorConfig(scenarios, engine, ns);
  }

  public static ProcessorConfig defaults() {
    return new ProcessorConfig(ScenarioSpec.parse(ScenarioSpec.DEFAULTS), EngineConfig.defaults());
  }
}
