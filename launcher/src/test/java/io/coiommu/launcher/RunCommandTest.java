package io.coiommu.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user types: the run command, its table and its report files. */
class RunCommandTest {

  @TempDir Path dir;

  @Test
  void runPrintsTheComparisonTableAndWritesTheReport() throws Exception {
    Path report = dir.resolve("report");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int exit;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      exit =
          Main.commandLine()
              .execute(
                  "run",
                  "--workload",
                  "sample:duration=20s",
                  "--scenarios",
                  "static,viommu-strict,coiommu:unpin=lru,interval=2s",
                  "--report",
                  report.toString());
    } finally {
      System.setOut(original);
    }
    String printed = bytes.toString(StandardCharsets.UTF_8);

    assertThat(exit).as(printed).isZero();
    assertThat(printed)
        .contains("static", "viommu-strict", "coiommu: unpin=lru,interval=2s", "unsafe");
    List<String> csv = Files.readAllLines(report.resolve("summary.csv"));
    assertThat(csv.get(0))
        .startsWith(
            "scenario,vm,guest_bytes,peak_pinned_bytes,avg_pinned_bytes,notifications,exits,pins,unpins,"
                + "dma_safety_violations");
    // One row per scenario and VM of the sample (5 VMs).
    assertThat(csv).hasSize(1 + 3 * 5);
    assertThat(report.resolve("index.html")).exists();
  }

  @Test
  void badArgumentsAreRefusedWithAMessageNotAStackTrace() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Main.commandLine()
            .setErr(new java.io.PrintWriter(err, true))
            .execute("run", "--window", "soon");
    assertThat(exit).isNotZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--window").doesNotContain("\tat ");
  }
}
