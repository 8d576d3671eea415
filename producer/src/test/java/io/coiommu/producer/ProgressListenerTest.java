package io.coiommu.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * What the console listeners print at the start and the end (what they print between depends on
 * wall-clock time).
 */
class ProgressListenerTest {

  private static final ProduceStats STATS =
      new ProduceStats(
          2_000_000,
          600,
          5,
          90_000_000_000L,
          4_000_000_000L,
          new RejectStats(0, 0, 0, Map.of(), Optional.empty()));

  @Test
  void plainLinesNameTheSourceAndSummariseTheRun() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ProgressListener lines =
        ProgressListener.lines(new PrintStream(out, true, StandardCharsets.UTF_8));
    lines.started("sample: 5 VMs", OptionalLong.of(2_000_000));
    lines.progressed(4096, 1_000_000);
    lines.finished(STATS);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "producing sample: 5 VMs (2000000 events)\n"
                + "produced 2,000,000 events of 5 VMs in 600 batches, 90.0 s of trace, 4.0 s wall, 500,000 events/s\n");
  }

  @Test
  void theBarClearsItsLineBeforeTheSummary() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ProgressListener bar = ProgressListener.bar(new PrintStream(out, true, StandardCharsets.UTF_8));
    bar.started("nic", OptionalLong.empty());
    bar.finished(STATS);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .startsWith("producing nic\n")
        .endsWith(
            "\rproduced 2,000,000 events of 5 VMs in 600 batches, 90.0 s of trace, 4.0 s wall, "
                + "500,000 events/s\n");
  }

  @Test
  void countsAndClocksReadWell() {
    assertThat(ProgressMeter.count(2_345_678)).isEqualTo("2.35M");
    assertThat(ProgressMeter.count(12_345)).isEqualTo("12.3k");
    assertThat(ProgressMeter.clock(3_725)).isEqualTo("1:02:05");
    assertThat(ProgressMeter.clock(65)).isEqualTo("1:05");
  }
}
