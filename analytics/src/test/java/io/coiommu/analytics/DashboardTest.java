package io.coiommu.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DashboardTest {

  private final RunSummary summary = new RunSummary();
  private final Dashboard dashboard;
  private final HttpClient http = HttpClient.newHttpClient();

  DashboardTest() throws Exception {
    dashboard = Dashboard.start(summary, 0);
  }

  @AfterEach
  void stop() {
    dashboard.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(dashboard.uri().resolve(path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesThePageItsAssetsAndTheLiveDocument() throws Exception {
    assertThat(dashboard.uri().getHost()).isEqualTo("127.0.0.1");
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body())
        .contains("<script src=\"static/echarts.min.js\"></script>", "fetch('api/summary'");
    assertThat(get("/static/echarts.min.js").body()).contains("echarts");
    assertThat(get("/static/charts.js").headers().firstValue("Content-Type"))
        .hasValue("text/javascript; charset=utf-8");

    assertThat(json().get("progress").get("records").asLong()).isZero();
    synchronized (summary) {
      summary.add(
          Results.steady(Results.STATIC, "vm1", "h1", 0, Results.S, 7).setNotifications(3).build());
    }
    JsonNode doc = json();
    assertThat(doc.get("progress").get("records").asLong()).isEqualTo(1);
    assertThat(doc.get("scenarios").get(0).get("fleet").get("notifications").asLong()).isEqualTo(3);
    assertThat(doc.get("scenarios").get(0).has("vms"))
        .as("the page draws no per-VM rows")
        .isFalse();
    assertThat(doc.get("scenarios").get(0).get("top_vms")).hasSize(1);
    assertThat(doc.has("dma_temporal_locality")).isFalse();
    synchronized (summary) {
      summary.setTemporalLocality(new DmaTemporalLocality(1));
    }
    assertThat(json().has("dma_temporal_locality"))
        .as("a change without new results shows too")
        .isTrue();
  }

  private JsonNode json() throws Exception {
    HttpResponse<String> r = get("/api/summary");
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    return SummaryJson.MAPPER.readTree(r.body());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/static/../pom.xml",
        "/static/%2e%2e/%2e%2e/pom.xml",
        "/static/",
        "/static/page.html",
        "/etc/passwd",
        "/static/charts.js/",
        "/api/summary/x",
        "/META-INF/resources/webjars/echarts/5.3.1/LICENSE"
      })
  void servesNothingOutsideItsRoot(String path) throws Exception {
    // A raw socket: an HTTP client would normalise the dots away before sending.
    try (Socket socket = new Socket("127.0.0.1", dashboard.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 404");
    }
  }

  @Test
  void refusesWrites() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(dashboard.uri().resolve("/api/summary"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(405);
  }

  @Test
  void picksAFreePortWhenAskedForZero() throws Exception {
    try (Dashboard other = Dashboard.start(new RunSummary(), 0)) {
      assertThat(other.port()).isNotEqualTo(dashboard.port()).isPositive();
      assertThat(URI.create(other.uri().toString())).hasPath("/");
    }
  }
}
