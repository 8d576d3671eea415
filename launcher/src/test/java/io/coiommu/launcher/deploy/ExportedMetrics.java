package io.coiommu.launcher.deploy;

import io.coiommu.analytics.MetricsEndpoint;
import io.coiommu.analytics.RunSummary;
import io.coiommu.launcher.RoleMetricsProbe;
import io.coiommu.schema.WindowResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metric names the app really exports: analytics' endpoint started on a one-record run and
 * scraped, and the produce and process roles' endpoints on a real broker with a small trace flowing
 * (see RoleMetricsProbe).
 */
final class ExportedMetrics {

  private ExportedMetrics() {}

  static Set<String> scrape() throws Exception {
    RunSummary summary = new RunSummary();
    // One (scenario, VM) is enough: every metric family has a sample per (scenario, VM).
    summary.add(
        WindowResult.newBuilder()
            .setScenario("coiommu")
            .setVm("vm-1")
            .setHost("host-1")
            .setWindowStartNs(0)
            .setWindowEndNs(1_000_000_000L)
            .setGuestBytes(1L << 30)
            .setPinnedPages(256)
            .setPeakPinnedPages(256)
            .setNotifications(3)
            .build());
    try (MetricsEndpoint endpoint = MetricsEndpoint.start(summary, 0)) {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("metrics endpoint answered " + r.statusCode());
      }
      Set<String> names = sampleNames(r.body());
      names.addAll(sampleNames(RoleMetricsProbe.scrapeBoth()));
      return names;
    }
  }

  /** Names of the samples in Prometheus text exposition: what a PromQL query can select. */
  static Set<String> sampleNames(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }
}
