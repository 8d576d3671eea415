package io.coiommu.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.launcher.kafka.KafkaFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * --bootstrap-servers: runs on a cluster that already holds earlier runs read only their own
 * records.
 */
class ExistingClusterTest {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  @TempDir Path dir;

  private List<String> run(String name) throws Exception {
    Path report = dir.resolve(name);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream original = System.out;
    PrintStream originalErr = System.err;
    int exit;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      System.setErr(out);
      exit =
          Main.commandLine()
              .execute(
                  "run",
                  "--bootstrap-servers",
                  kafka.bootstrapServers(),
                  "--workload",
                  "nic:duration=10s",
                  "--scenarios",
                  "static,coiommu:unpin=lru,interval=1s",
                  "--report",
                  report.toString());
    } finally {
      System.setOut(original);
      System.setErr(originalErr);
    }
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(printed).isZero();
    assertThat(printed).doesNotContain("embedded Kafka broker");
    return Files.readAllLines(report.resolve("summary.csv"));
  }

  @Test
  void aSecondRunOfTheSameTraceGivesTheSameResultsNotTheirSum() throws Exception {
    List<String> first = run("first");
    List<String> second = run("second");
    assertThat(first).hasSize(1 + 2);
    assertThat(second).isEqualTo(first);
  }
}
