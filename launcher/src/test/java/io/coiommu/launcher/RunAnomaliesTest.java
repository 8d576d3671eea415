package io.coiommu.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run says what the emulation found odd, as it says what the reader rejected: count per reason,
 * where it is kept.
 */
class RunAnomaliesTest {

  @TempDir Path dir;

  @Test
  void aTraceThatStartsAfterItsBuffersWereMappedPrintsItsUnknownUnmaps() throws Exception {
    Path trace = dir.resolve("late-start.txt");
    List<String> lines = new ArrayList<>(List.of("# tracer: nop"));
    lines.add(
        "  kworker/0:1-12  [000] .....  10.000000: dma_map_page: 0000:00:04.0 dir=TO_DEVICE dma_addr=fff00000 "
            + "size=4096 phys_addr=1000 attrs=");
    for (int i = 0; i < 9; i++) {
      lines.add(
          String.format(
              "  kworker/0:1-12  [000] .....  10.%06d: dma_unmap_page: 0000:00:04.0 dir=TO_DEVICE "
                  + "dma_addr=%x size=4096 attrs=",
              10 + i, 0xfe000000L + 0x1000L * i));
    }
    lines.add(
        "  kworker/0:1-12  [000] .....  10.500000: dma_unmap_page: 0000:00:04.0 dir=TO_DEVICE "
            + "dma_addr=fff00000 size=4096 attrs=");
    Files.write(trace, lines);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int exit;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      exit =
          Main.commandLine()
              .execute(
                  "run",
                  "--trace",
                  trace.toString(),
                  "--vm",
                  "g",
                  "--guest-memory",
                  "1g",
                  "--scenarios",
                  "viommu-strict,oracle",
                  "--timeout",
                  "2m");
    } finally {
      System.setOut(original);
    }
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(printed).isZero();
    assertThat(printed)
        .contains("anomalies: 9 (UNMAP_UNKNOWN_IOVA 9), kept on topic coiommu.anomalies");
  }
}
