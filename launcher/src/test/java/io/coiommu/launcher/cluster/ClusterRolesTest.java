package io.coiommu.launcher.cluster;

import static io.coiommu.launcher.cluster.RoleProcesses.Work.HEAVY;
import static io.coiommu.launcher.cluster.RoleProcesses.Work.LIGHT;
import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.analytics.Report;
import io.coiommu.launcher.kafka.EmbeddedKafkaCluster;
import io.coiommu.schema.Topics;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline run the way an operator runs it on a cluster, every part its own JVM: 3 KRaft
 * brokers ({@code kafka.Kafka server.properties}), the dashboard started before any broker is up,
 * {@code produce} killed with SIGKILL mid-trace and started again at another speed, two {@code
 * process} instances of one application (one SIGKILLed and restarted, one stopped with SIGSTOP past
 * its session timeout and resumed), then {@code report}. Its summary.csv must equal, field for
 * field, what {@code run --bootstrap-servers} writes for the same workload.
 */
class ClusterRolesTest {

  private static final String WORKLOAD = "fleet:hosts=2,vms=6,duration=1m,seed=9";
  private static final String APP = "cluster-test";
  private static final String MAIN = "io.coiommu.launcher.Main";

  /**
   * The processors' session timeout: the broker's minimum, so that a stopped member is noticed
   * soon.
   */
  private static final int SESSION_MS = 6000;

  private static final Duration ROLE_DONE = Duration.ofSeconds(90);

  @TempDir Path dir;

  @Test
  @Timeout(value = 420, unit = TimeUnit.SECONDS)
  void killedPausedAndRestartedRolesReportWhatOneRunReports() throws Exception {
    long t0 = System.nanoTime();
    try (EmbeddedKafkaCluster layout = EmbeddedKafkaCluster.formatOnly(3);
        RoleProcesses roles = new RoleProcesses()) {
      String servers = layout.bootstrapServers();
      Path client = dir.resolve("client.properties");
      Properties processorClient = new Properties();
      processorClient.put("bootstrap.servers", servers);
      processorClient.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.toString(SESSION_MS));
      processorClient.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1500");
      try (Writer w = Files.newBufferedWriter(client)) {
        processorClient.store(w, "cluster test processors");
      }

      Process dashboard =
          roles.start(
              "dashboard",
              "256m",
              LIGHT,
              MAIN,
              "dashboard",
              "--bootstrap-servers",
              servers,
              "--port",
              "0",
              "--application-id",
              APP);
      RoleProcesses.await(
          Duration.ofSeconds(60),
          "the dashboard to wait for the cluster",
          () -> logHas("dashboard", "waiting for the Kafka cluster"));

      List<Process> brokers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String config = layout.serverProperties().get(i).toString();
        brokers.add(roles.start("broker-" + i, "400m", LIGHT, "kafka.Kafka", config));
      }
      String[] process = {
        "process",
        "--kafka-config",
        client.toString(),
        "--application-id",
        APP,
        "--partitions",
        "4",
        "--timeout",
        "2m",
        "--state-dir"
      };
      String stateA = dir.resolve("state-a").toString();
      Process first = roles.start("process-a1", "384m", HEAVY, MAIN, concat(process, stateA));
      Process second =
          roles.start(
              "process-b", "384m", HEAVY, MAIN, concat(process, dir.resolve("state-b").toString()));

      Process producer = produce(roles, servers, "produce-1", "8x");
      RoleProcesses.await(
          Duration.ofSeconds(120),
          "the first producer to send part of the trace",
          () -> traceRecords(servers) >= 40);
      RoleProcesses.killHard(producer);
      long heldAtKill = traceRecords(servers);
      assertThat(producer.exitValue()).as("killed mid-trace, not finished").isNotZero();

      // The second producer restarts at full speed while one processor dies and the other is
      // paused.
      Process resumed = produce(roles, servers, "produce-2", "max");
      RoleProcesses.killHard(first);
      RoleProcesses.signal(second, "STOP");
      Process restarted = roles.start("process-a2", "384m", HEAVY, MAIN, concat(process, stateA));
      Thread.sleep(SESSION_MS + 4000);
      RoleProcesses.signal(second, "CONT");
      assertThat(resumed.waitFor(ROLE_DONE.toSeconds(), TimeUnit.SECONDS))
          .as("second producer done")
          .isTrue();
      assertThat(resumed.exitValue()).as(RoleProcesses.logOf("produce-2")).isZero();
      String produced = RoleProcesses.logOf("produce-2");
      assertThat(produced).contains("going on after them").contains("events skipped");

      Path fromCluster = dir.resolve("report");
      Process report =
          roles.start(
              "report",
              "384m",
              LIGHT,
              MAIN,
              "report",
              "--bootstrap-servers",
              servers,
              "--application-id",
              APP,
              "--out",
              fromCluster.toString(),
              "--timeout",
              "100s");
      assertThat(report.waitFor(120, TimeUnit.SECONDS)).as("report done").isTrue();
      assertThat(report.exitValue()).as(RoleProcesses.logOf("report")).isZero();
      assertThat(restarted.isAlive()).as("restarted processor").isTrue();
      assertThat(second.isAlive()).as("resumed processor").isTrue();
      String dashboardSummary = get(dashboardUri()).body();

      Path fromRun = dir.resolve("run");
      Process run =
          roles.start(
              "run",
              "512m",
              HEAVY,
              MAIN,
              "run",
              "--bootstrap-servers",
              servers,
              "--workload",
              WORKLOAD,
              "--partitions",
              "4",
              "--report",
              fromRun.toString(),
              "--timeout",
              "100s");
      assertThat(run.waitFor(130, TimeUnit.SECONDS)).as("run done").isTrue();
      assertThat(run.exitValue()).as(RoleProcesses.logOf("run")).isZero();

      List<String> clusterRows = Files.readAllLines(fromCluster.resolve(Report.SUMMARY_CSV));
      List<String> runRows = Files.readAllLines(fromRun.resolve(Report.SUMMARY_CSV));
      assertThat(clusterRows).hasSize(8 * 6 + 1);
      assertThat(clusterRows).isEqualTo(runRows);
      assertThat(dashboardSummary).contains("vm-");
      assertThat(dashboard.isAlive()).as("dashboard").isTrue();
      brokers.forEach(b -> assertThat(b.isAlive()).isTrue());
      System.out.printf(
          "cluster test: %d trace records held when produce was killed, produce restarted at max (%s), "
              + "process SIGKILLed and restarted, process SIGSTOPped %d ms; report's summary.csv (%d rows) equals run's; "
              + "%.1f s%n",
          heldAtKill,
          lastLine(produced),
          SESSION_MS + 4000,
          clusterRows.size() - 1,
          (System.nanoTime() - t0) / 1e9);
    }
  }

  /**
   * A producer role replaying the test's workload into a 4-partition trace topic at {@code speed}.
   */
  private static Process produce(RoleProcesses roles, String servers, String name, String speed)
      throws IOException {
    return roles.start(
        name,
        "256m",
        HEAVY,
        MAIN,
        "produce",
        "--bootstrap-servers",
        servers,
        "--workload",
        WORKLOAD,
        "--partitions",
        "4",
        "--speed",
        speed,
        "--timeout",
        "2m");
  }

  private static String[] concat(String[] head, String last) {
    String[] all = java.util.Arrays.copyOf(head, head.length + 1);
    all[head.length] = last;
    return all;
  }

  private static boolean logHas(String role, String text) {
    try {
      return RoleProcesses.logOf(role).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  private static String lastLine(String log) {
    String[] lines = log.strip().split("\n");
    return lines[lines.length - 1];
  }

  /** Records in the trace topic, 0 while the cluster or the topic is not there. */
  private static long traceRecords(String servers) {
    Properties p = new Properties();
    p.put("bootstrap.servers", servers);
    p.put("default.api.timeout.ms", "5000");
    p.put("request.timeout.ms", "5000");
    try (Admin admin = Admin.create(p)) {
      Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
      admin
          .describeTopics(List.of(Topics.TRACE_EVENTS))
          .allTopicNames()
          .get(5, TimeUnit.SECONDS)
          .get(Topics.TRACE_EVENTS)
          .partitions()
          .forEach(
              i ->
                  request.put(
                      new TopicPartition(Topics.TRACE_EVENTS, i.partition()), OffsetSpec.latest()));
      return admin.listOffsets(request).all().get(5, TimeUnit.SECONDS).values().stream()
          .mapToLong(o -> o.offset())
          .sum();
    } catch (Exception notYet) {
      return 0;
    }
  }

  private static URI dashboardUri() throws IOException {
    Matcher m =
        Pattern.compile("dashboard: (http://\\S+)").matcher(RoleProcesses.logOf("dashboard"));
    if (!m.find()) {
      throw new AssertionError("the dashboard printed no address");
    }
    return URI.create(m.group(1)).resolve("/api/summary");
  }

  private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
