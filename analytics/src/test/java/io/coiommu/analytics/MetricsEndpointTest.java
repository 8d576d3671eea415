package io.coiommu.analytics;

import static io.coiommu.analytics.Results.COIOMMU;
import static io.coiommu.analytics.Results.S;
import static io.coiommu.analytics.Results.steady;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

  @Test
  void exposesEachScenarioAndVmWithItsLabelsAndFollowsTheRun() throws Exception {
    RunSummary summary = new RunSummary();
    summary.add(
        steady(COIOMMU, "vm1", "h1", 0, S, 100)
            .setNotifications(4)
            .setCpuCostNs(2_500_000_000L)
            .build());
    try (MetricsEndpoint endpoint = MetricsEndpoint.start(summary, 0)) {
      String labels = "{host=\"h1\",scenario=\"" + COIOMMU + "\",vm=\"vm1\"}";
      assertThat(scrape(endpoint))
          .contains(
              "coiommu_pinned_bytes" + labels + " 409600.0",
              "coiommu_reclaimable_bytes" + labels + " 1.073332224E9", // 1 GiB - 409600
              "coiommu_notifications_total" + labels + " 4.0",
              "coiommu_cpu_cost_seconds_total" + labels + " 2.5",
              "coiommu_dma_safety_violations_total" + labels + " 0.0",
              "coiommu_run_complete" + labels + " 0.0",
              "# HELP coiommu_notifications_total Synchronous guest-to-host requests");

      synchronized (summary) {
        summary.add(
            steady(COIOMMU, "vm1", "h1", S, 2 * S, 50).setNotifications(3).setLast(true).build());
      }
      assertThat(scrape(endpoint))
          .contains(
              "coiommu_pinned_bytes" + labels + " 204800.0",
              "coiommu_notifications_total" + labels + " 7.0",
              "coiommu_run_complete" + labels + " 1.0");
    }
  }

  private static String scrape(MetricsEndpoint endpoint) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
