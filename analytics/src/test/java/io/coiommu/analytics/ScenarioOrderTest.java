package io.coiommu.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioOrderTest {

  private static final long S = 1_000_000_000L;

  @Test
  void scenariosAreListedAsAskedForThenByName() {
    RunSummary summary = new RunSummary();
    for (String scenario :
        List.of("oracle", "coiommu:interval=10s", "static", "coiommu:interval=1s", "extra")) {
      summary.add(Results.span(scenario, "vm1", "h1", 0, S).setLast(true).build());
    }
    summary.setScenarioOrder(
        List.of("static", "coiommu:interval=1s", "coiommu:interval=10s", "oracle"));

    assertThat(summary.scenarios())
        .extracting(ScenarioRun::scenario)
        .containsExactly(
            "static", "coiommu:interval=1s", "coiommu:interval=10s", "oracle", "extra");
  }

  @Test
  void withoutAnOrderScenariosAreListedByName() {
    RunSummary summary = new RunSummary();
    summary.add(Results.span("static", "vm1", "h1", 0, S).build());
    summary.add(Results.span("oracle", "vm1", "h1", 0, S).build());
    assertThat(summary.scenarios())
        .extracting(ScenarioRun::scenario)
        .containsExactly("oracle", "static");
  }
}
