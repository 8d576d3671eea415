package io.coiommu.analytics;

import static io.coiommu.analytics.Results.S;
import static io.coiommu.analytics.Results.STATIC;
import static io.coiommu.analytics.Results.span;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class SummaryJsonTest {

  /** While a VM still runs, what is pinned now ranks first; the run is not finished. */
  @Test
  void topVmsArePinnedNowThenPeak() {
    RunSummary s = new RunSummary();
    s.add(span(STATIC, "small", "h1", 0, S).setPeakPinnedPages(5).setLast(true).build());
    s.add(span(STATIC, "big", "h1", 0, S).setPeakPinnedPages(9).setLast(true).build());
    s.add(span(STATIC, "busy", "h1", 0, S).setPinnedPages(1).setPeakPinnedPages(1).build());

    JsonNode top = SummaryJson.of(s).get("scenarios").get(0).get("top_vms");
    assertThat(top).extracting(v -> v.get("vm").asText()).containsExactly("busy", "big", "small");
    assertThat(top.get(1).get("peak_pinned_bytes").asLong()).isEqualTo(9 * 4096);
    assertThat(SummaryJson.of(s).get("progress").get("finished").asBoolean()).isFalse();
  }

  /**
   * Once every VM has finished, each released its pages: "now" is 0 everywhere and the peak alone
   * ranks them.
   */
  @Test
  void aFinishedRunRanksByPeak() {
    RunSummary s = new RunSummary();
    s.add(span(STATIC, "small", "h1", 0, S).setPeakPinnedPages(5).setLast(true).build());
    s.add(span(STATIC, "big", "h1", 0, S).setPeakPinnedPages(9).setLast(true).build());
    s.add(
        span(STATIC, "late", "h1", 0, S)
            .setPinnedPages(1)
            .setPeakPinnedPages(7)
            .setLast(true)
            .build());

    JsonNode doc = SummaryJson.of(s);
    assertThat(doc.get("progress").get("finished").asBoolean()).isTrue();
    assertThat(doc.get("scenarios").get(0).get("top_vms"))
        .extracting(v -> v.get("vm").asText())
        .containsExactly("big", "late", "small");
  }

  @Test
  void labelsKeepOnlyTheParametersThatDifferWithinAPolicy() {
    var labels =
        ScenarioLabels.of(
            java.util.List.of(
                "static",
                "coiommu:unpin=lru,interval=1s,gen=10",
                "coiommu:unpin=lru,interval=10s,gen=10",
                "viommu-lazy:queue=256,timeout=10ms"));
    assertThat(labels)
        .containsEntry("static", "static")
        .containsEntry("coiommu:unpin=lru,interval=1s,gen=10", "coiommu interval=1s")
        .containsEntry("coiommu:unpin=lru,interval=10s,gen=10", "coiommu interval=10s")
        .containsEntry("viommu-lazy:queue=256,timeout=10ms", "viommu-lazy");
  }

  @Test
  void theSharedParametersAreNamedOncePerPolicy() {
    String lru = "coiommu:unpin=lru,interval=10s,limit=8192,gen=10,";
    var specs =
        java.util.List.of(
            "static",
            "viommu-lazy:queue=256,timeout=10ms",
            lru + "smart=on,lazy=on,pinahead=0",
            lru + "smart=off,lazy=on,pinahead=0",
            lru + "smart=on,lazy=off,pinahead=0");
    assertThat(ScenarioLabels.of(specs))
        .containsEntry(lru + "smart=off,lazy=on,pinahead=0", "coiommu smart=off,lazy=on");
    assertThat(ScenarioLabels.shared(specs))
        .containsExactly(
            "viommu-lazy: queue=256,timeout=10ms",
            "coiommu: unpin=lru,interval=10s,limit=8192,gen=10,pinahead=0");
    // A parameter that one spec lacks is not shared.
    assertThat(
            ScenarioLabels.shared(
                java.util.List.of("coiommu:unpin=off", "coiommu:unpin=lru,interval=1s")))
        .isEmpty();
  }
}
