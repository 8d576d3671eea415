package io.coiommu.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.launcher.kafka.EmbeddedKafkaCluster;
import io.coiommu.schema.WindowResult;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor as its own JVM ({@code coiommu process}), killed with SIGKILL at random points five
 * times while the trace flows in, restarted each time: the results are exactly those of an
 * uninterrupted run.
 */
class ProcessorKilledTest {

  private static final int KILLS = 5;

  @TempDir Path dir;

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void killedFiveTimesTheProcessorGivesTheUninterruptedAnswer() throws Exception {
    long t0 = System.nanoTime();
    try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(1)) {
      Properties client = cluster.clientProperties();
      cluster.createTopics(FaultRun.topics());
      CompletableFuture<Void> produced = FaultRun.produce(client, 4.0);
      Random random = new Random();
      for (int kill = 1; kill <= KILLS; kill++) {
        Process processor = start(cluster, kill);
        long delay = 4000 + random.nextInt(4000);
        Thread.sleep(delay);
        assertThat(processor.isAlive())
            .as("processor %d still running (see %s)", kill, log(kill))
            .isTrue();
        processor.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        System.out.printf("kill -9 of processor %d after %d ms%n", kill, delay);
      }
      Process last = start(cluster, KILLS + 1);
      try {
        produced.get(60, TimeUnit.SECONDS);
        Map<String, List<WindowResult>> reference = FaultRun.reference(client);
        Map<String, List<WindowResult>> results =
            FaultRun.results(client, reference, Duration.ofSeconds(60));
        FaultRun.assertSameAsReference(results, reference);
        System.out.printf(
            "%d records of %d (scenario, VM) pairs identical after %d kills, in %.1f s%n",
            FaultRun.records(results), reference.size(), KILLS, (System.nanoTime() - t0) / 1e9);
      } finally {
        last.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private Process start(EmbeddedKafkaCluster cluster, int n) throws Exception {
    Path config = dir.resolve("processor.properties");
    try (java.io.Writer w = java.nio.file.Files.newBufferedWriter(config)) {
      FaultRun.processorClient(cluster.clientProperties()).store(w, "fault test processor");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx384m",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            "io.coiommu.launcher.Main",
            "process",
            "--kafka-config",
            config.toString(),
            "--application-id",
            "killed",
            "--state-dir",
            dir.resolve("state").toString(),
            "--partitions",
            Integer.toString(FaultRun.PARTITIONS))
        .redirectErrorStream(true)
        .redirectOutput(log(n))
        .start();
  }

  /** Kept after the test (under target/), to see what a processor did. */
  private static File log(int n) {
    File logs = new File("target/fault-logs");
    logs.mkdirs();
    return new File(logs, "processor-" + n + ".log");
  }
}
