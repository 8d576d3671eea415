package io.coiommu.launcher.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker/ (compose file, Prometheus, Grafana) checked against the code, without Docker: the roles'
 * command lines, the topics, the metrics the dashboard charts and what Prometheus scrapes.
 */
class DeploymentConsistencyTest {

  private static final Path DOCKER = Path.of("..", "docker");

  private static ComposeFile compose;
  private static Set<String> exported;

  @BeforeAll
  static void readTheDeployment() throws Exception {
    compose = ComposeFile.read(DOCKER.resolve("docker-compose.yml"));
    exported = ExportedMetrics.scrape();
  }

  @Test
  void everyRoleCommandParsesAsTheLauncherParsesIt() {
    assertThat(compose.coiommuServices()).contains("producer", "processor", "dashboard");
    assertThat(DeploymentCheck.commandProblems(compose)).isEmpty();
  }

  @Test
  void everyTopicIsOneTheCodeUsesAndAllAreCreated() throws Exception {
    assertThat(DeploymentCheck.topicProblems(compose, DeploymentCheck.knownTopics())).isEmpty();
  }

  @Test
  void everyMetricTheGrafanaDashboardQueriesIsOneTheAppExports() throws Exception {
    List<String> queries = new ArrayList<>();
    for (Path json : provisionedDashboards()) {
      queries.addAll(GrafanaDashboard.queries(YamlDocuments.load(Files.readString(json))));
    }
    assertThat(queries).as("dashboard queries").isNotEmpty();
    // The three figures: pinned memory, notification rate, overcommit headroom.
    assertThat(String.join("\n", queries))
        .contains(
            "coiommu_pinned_bytes", "coiommu_notifications_total", "coiommu_reclaimable_bytes");
    // The pipeline's health: lag per partition and throughput, from the processors' and the
    // producer's endpoints.
    assertThat(String.join("\n", queries))
        .contains(
            "kafka_consumer_fetch_manager_records_lag",
            "coiommu_producer_events_sent_total",
            "kafka_stream_thread_process_rate");
    assertThat(DeploymentCheck.metricProblems(queries, exported)).isEmpty();
  }

  @Test
  void everyPrometheusTargetIsAComposeServiceOnItsMetricsPort() throws Exception {
    String config =
        compose
            .hostPath("prometheus", "/etc/prometheus/prometheus.yml")
            .orElseThrow(
                () -> new AssertionError("prometheus mounts no /etc/prometheus/prometheus.yml"));
    Map<?, ?> prometheus = (Map<?, ?>) YamlDocuments.load(Files.readString(DOCKER.resolve(config)));
    assertThat(DeploymentCheck.scrapeProblems(prometheus, compose)).isEmpty();
  }

  @Test
  void everyScaledProcessorReplicaIsScrapedThroughDns() throws Exception {
    // A static target would reach one replica of `--scale processor=N`, chosen by DNS round robin
    // at each scrape.
    assertThat(compose.option("processor", "--metrics-port")).isPresent();
    assertThat(compose.option("producer", "--metrics-port")).isPresent();
    assertThat(Files.readString(DOCKER.resolve("prometheus/prometheus.yml")))
        .contains("dns_sd_configs");
  }

  @Test
  void theProcessorRunsReplicatedUnderOneApplicationId() {
    Map<String, Object> processor = compose.services().get("processor");
    assertThat(((Map<?, ?>) processor.get("deploy")).get("replicas")).isEqualTo(2);
    assertThat(processor)
        .doesNotContainKey("container_name"); // a fixed name allows one replica only
    assertThat(compose.option("processor", "--application-id")).isPresent();
  }

  // The checker must be able to fail: each mistake below is one it exists to catch.

  @Test
  void rejectsAnUnknownSubcommandFlagOrWorkload() {
    ComposeFile bad =
        ComposeFile.parse(
            roles(
                """
          a: {<<: *coiommu, command: [procss, --bootstrap-servers, "k:9092"]}
          b: {<<: *coiommu, command: [process, --bootstrap-servers, "k:9092", --no-such-flag, "1"]}
          c: {<<: *coiommu, command: [produce, --bootstrap-servers, "k:9092", --workload, "fleet:vmz=3"]}
          d: {<<: *coiommu, command: [produce, --bootstrap-servers, "${KAFKA}", --partitions, twelve]}
          ok: {<<: *coiommu, command: [process, --bootstrap-servers, "${KAFKA:-k:9092}", --partitions, "3"]}
        """));
    List<String> problems = DeploymentCheck.commandProblems(bad);
    assertThat(problems)
        .anyMatch(p -> p.startsWith("service a") && p.contains("procss"))
        .anyMatch(p -> p.startsWith("service b") && p.contains("--no-such-flag"))
        .anyMatch(p -> p.startsWith("service c") && p.contains("vmz"))
        .anyMatch(p -> p.startsWith("service d") && p.contains("twelve"))
        .anyMatch(p -> p.contains("variable KAFKA") && p.contains("no default"))
        .noneMatch(p -> p.startsWith("service ok"));
  }

  @Test
  void rejectsATopicTheCodeDoesNotUse() throws Exception {
    ComposeFile bad =
        ComposeFile.parse(
            roles(
                """
          init: {image: "apache/kafka:4.4.0", command: "create coiommu.trace-event coiommu.window-results"}
        """));
    assertThat(DeploymentCheck.topicProblems(bad, DeploymentCheck.knownTopics()))
        .anyMatch(p -> p.startsWith("topic coiommu.trace-event ") && p.contains("not one of"))
        .anyMatch(p -> p.equals("topic coiommu.anomalies is never created by the compose file"))
        .noneMatch(p -> p.startsWith("topic coiommu.window-results"));
  }

  @Test
  void rejectsAMetricTheAppDoesNotExport() {
    // Counters are exported with _total: querying the bare name is a real and silent mistake.
    assertThat(
            DeploymentCheck.metricProblems(
                List.of(
                    "rate(coiommu_notifications[1m])",
                    "sum(coiommu_pinned_byte)",
                    "sum(coiommu_pinned_bytes)",
                    "vector(1)"),
                exported))
        .containsExactly(
            "metric coiommu_notifications is not exported (query: rate(coiommu_notifications[1m]))",
            "metric coiommu_pinned_byte is not exported (query: sum(coiommu_pinned_byte))",
            "query reads no metric: vector(1)");
  }

  @Test
  void rejectsAScrapeTargetThatNothingServes() {
    ComposeFile deployment =
        ComposeFile.parse(
            roles(
                """
          dash: {<<: *coiommu, command: [dashboard, --bind, 0.0.0.0, --metrics-port, "9400"]}
          local: {<<: *coiommu, command: [dashboard, --metrics-port, "9401"]}
        """));
    Map<?, ?> prometheus =
        (Map<?, ?>)
            YamlDocuments.load(
                """
        scrape_configs:
          - job_name: x
            static_configs:
              - targets: ["dash:9999", "ghost:9400", "local:9401"]
        """);
    assertThat(DeploymentCheck.scrapeProblems(prometheus, deployment))
        .anyMatch(p -> p.startsWith("target dash:9999") && p.contains("serves metrics on 9400"))
        .anyMatch(p -> p.startsWith("target ghost:9400") && p.contains("no service ghost"))
        .anyMatch(p -> p.startsWith("target local:9401") && p.contains("binds 127.0.0.1"));
  }

  @Test
  void readsTheMetricNamesOfAQuery() {
    assertThat(
            PromQl.metricNames(
                "100 * sum by (scenario) (rate(coiommu_notifications_total"
                    + "{scenario=~\"$scenario\", host!=\"x\"}[$__rate_interval])) / on(scenario) group_left "
                    + "max by (scenario) (coiommu_trace_seconds) > 1e9"))
        .containsExactly("coiommu_notifications_total", "coiommu_trace_seconds");
    assertThat(PromQl.metricNames("label_values(coiommu_pinned_bytes{host=\"h\"}, scenario)"))
        .containsExactly("coiommu_pinned_bytes");
  }

  /**
   * The dashboard JSON files in the folder Grafana's file provider reads, as mounted by compose.
   */
  private static List<Path> provisionedDashboards() throws Exception {
    Path providers =
        DOCKER
            .resolve(
                compose
                    .hostPath("grafana", "/etc/grafana/provisioning")
                    .orElseThrow(() -> new AssertionError("grafana mounts no provisioning folder")))
            .resolve("dashboards");
    List<Path> dashboards = new ArrayList<>();
    try (Stream<Path> files = Files.list(providers)) {
      for (Path provider : files.filter(f -> f.toString().endsWith(".yml")).toList()) {
        Map<?, ?> config = (Map<?, ?>) YamlDocuments.load(Files.readString(provider));
        for (Object p : (List<?>) config.get("providers")) {
          String inContainer = (String) ((Map<?, ?>) ((Map<?, ?>) p).get("options")).get("path");
          Path folder =
              DOCKER.resolve(
                  compose
                      .hostPath("grafana", inContainer)
                      .orElseThrow(
                          () -> new AssertionError("grafana mounts nothing at " + inContainer)));
          try (Stream<Path> json = Files.list(folder)) {
            json.filter(f -> f.toString().endsWith(".json")).forEach(dashboards::add);
          }
        }
      }
    }
    assertThat(dashboards).as("provisioned dashboards").isNotEmpty();
    return dashboards;
  }

  /** A compose file whose extra services (indented 4) run the coiommu image. */
  private static String roles(String services) {
    return """
        x-coiommu: &coiommu
          build: {context: .., dockerfile: docker/Dockerfile}
        services:
        """
        + services;
  }
}
