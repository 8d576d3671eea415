package io.coiommu.processor;

import io.coiommu.processor.engine.EngineConfig;
import io.coiommu.processor.engine.Scenario;
import io.coiommu.processor.engine.ScenarioSpec;
import java.util.List;

/**
 * Everything the topology depends on: which scenarios to evaluate side by side and how the engine
 * windows and costs them. The topology is a pure function of this value.
 */
public record ProcessorConfig(List<Scenario> scenarios, EngineConfig engine) {

  public ProcessorConfig {
    if (scenarios.isEmpty()) {
      throw new IllegalArgumentException("at least one scenario is needed");
    }
    scenarios = List.copyOf(scenarios);
  }

  public static ProcessorConfig defaults() {
    return new ProcessorConfig(ScenarioSpec.parse(ScenarioSpec.DEFAULTS), EngineConfig.defaults());
  }
}
