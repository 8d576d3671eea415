package io.coiommu.processor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ScenarioSpecTest {

  private static final String LRU = "coiommu:unpin=lru,interval=10s,limit=8192,gen=10";

  @Test
  void defaultsAreTheEightScenariosWithEveryParameterNamed() {
    List<String> names = names(ScenarioSpec.parse(ScenarioSpec.DEFAULTS));
    assertThat(names)
        .containsExactly(
            "static",
            "viommu-strict",
            "viommu-lazy:queue=256,timeout=10ms",
            "virtio-iommu",
            LRU + ",smart=on,lazy=on,pinahead=0",
            LRU + ",smart=off,lazy=on,pinahead=0",
            LRU + ",smart=on,lazy=off,pinahead=0",
            "oracle");
  }

  @Test
  void canonicalNamesJoinedByCommasParseBackToTheSameScenarios() {
    List<Scenario> scenarios = ScenarioSpec.parse(ScenarioSpec.DEFAULTS);
    String joined = String.join(",", names(scenarios));
    assertThat(ScenarioSpec.parse(joined)).isEqualTo(scenarios);
  }

  @Test
  void bareCoiommuHasCrosvmsDefaults() {
    assertThat(ScenarioSpec.parse("coiommu").get(0).name())
        .isEqualTo(
            "coiommu:unpin=off,interval=60s,limit=unlimited,gen=10,smart=on,lazy=on,pinahead=0");
  }

  @Test
  void durationsFollowTheOneQuantityGrammarOfTheCli() {
    // As --window reads them: a bare number is seconds, fractions and hours are fine.
    assertThat(ScenarioSpec.parse("coiommu:interval=10").get(0).name()).contains("interval=10s,");
    assertThat(ScenarioSpec.parse("coiommu:interval=1.5s").get(0).name())
        .contains("interval=1500ms,");
    assertThat(ScenarioSpec.parse("coiommu:interval=1h").get(0).name()).contains("interval=3600s,");
    assertThat(ScenarioSpec.parse("viommu-lazy:timeout=250us").get(0).name())
        .endsWith("timeout=250us");
  }

  @Test
  void durationsAreCanonicalised() {
    assertThat(ScenarioSpec.parse("coiommu:unpin=lru,interval=1m,limit=none").get(0).name())
        .startsWith("coiommu:unpin=lru,interval=60s,limit=unlimited,");
    assertThat(ScenarioSpec.parse("viommu-lazy:timeout=1500us").get(0).name())
        .isEqualTo("viommu-lazy:queue=256,timeout=1500us");
  }

  @Test
  void badSpecsAreRefusedWithAMessageNamingTheProblem() {
    assertThatThrownBy(() -> ScenarioSpec.parse("statik"))
        .hasMessageContaining("unknown policy 'statik'");
    assertThatThrownBy(() -> ScenarioSpec.parse("static,interval=10s"))
        .hasMessageContaining("static has no parameter 'interval'");
    assertThatThrownBy(() -> ScenarioSpec.parse("coiommu:unpin=lru,gen=x"))
        .hasMessageContaining("gen=x");
    assertThatThrownBy(() -> ScenarioSpec.parse("coiommu:interval=10x"))
        .hasMessageContaining("unit");
    assertThatThrownBy(() -> ScenarioSpec.parse("oracle,oracle"))
        .hasMessageContaining("listed twice");
    assertThatThrownBy(() -> ScenarioSpec.parse("interval=10s"))
        .hasMessageContaining("before any policy");
    assertThatThrownBy(() -> ScenarioSpec.parse("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> ScenarioSpec.parse("coiommu:interval=1s/2s"))
        .hasMessageContaining("sweep");
    assertThatThrownBy(() -> ScenarioSpec.parse("coiommu:smart=maybe"))
        .hasMessageContaining("on or off");
  }

  @Test
  void sweepExpandsAlternativesInOrder() {
    List<String> names =
        names(ScenarioSpec.sweep("coiommu:unpin=lru,interval=1s/2s/5s/10s/30s/60s,limit=8192"));
    assertThat(names).hasSize(6);
    assertThat(names.get(0))
        .isEqualTo("coiommu:unpin=lru,interval=1s,limit=8192,gen=10,smart=on,lazy=on,pinahead=0");
    assertThat(names.get(5)).contains("interval=60s");
  }

  @Test
  void sweepOfTwoParametersIsTheirProductFirstVaryingSlowest() {
    List<String> names =
        names(ScenarioSpec.sweep("oracle,coiommu:unpin=lru,interval=1s/2s,limit=10/unlimited"));
    assertThat(names)
        .containsExactly(
            "oracle",
            "coiommu:unpin=lru,interval=1s,limit=10,gen=10,smart=on,lazy=on,pinahead=0",
            "coiommu:unpin=lru,interval=1s,limit=unlimited,gen=10,smart=on,lazy=on,pinahead=0",
            "coiommu:unpin=lru,interval=2s,limit=10,gen=10,smart=on,lazy=on,pinahead=0",
            "coiommu:unpin=lru,interval=2s,limit=unlimited,gen=10,smart=on,lazy=on,pinahead=0");
  }

  private static List<String> names(List<Scenario> scenarios) {
    return scenarios.stream().map(Scenario::name).collect(Collectors.toList());
  }
}
