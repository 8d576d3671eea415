package io.coiommu.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

  static final List<String> FIXED_COLUMNS =
      List.of(
          "scenario",
          "vm",
          "guest_bytes",
          "peak_pinned_bytes",
          "avg_pinned_bytes",
          "notifications",
          "exits",
          "pins",
          "unpins",
          "dma_safety_violations");

  @Test
  void summaryCsvHasOneQuotedRowPerScenarioAndVm(@TempDir Path dir) throws Exception {
    Report.write(ComparisonTableTest.twoScenarios(), dir);

    List<CSVRecord> rows;
    List<String> header;
    try (Reader r = Files.newBufferedReader(dir.resolve(Report.SUMMARY_CSV));
        CSVParser p = CSVFormat.RFC4180.builder().setHeader().get().parse(r)) {
      header = p.getHeaderNames();
      rows = p.getRecords();
    }
    assertThat(header.subList(0, FIXED_COLUMNS.size())).isEqualTo(FIXED_COLUMNS);
    assertThat(header)
        .contains(
            "host",
            "duration_s",
            "notifications_per_s",
            "cpu_cost_ns_per_s",
            "balloon_refused_bytes",
            "peak_dtt_bytes",
            "map_calls_no_exit_pct",
            "avg_reclaimable_bytes");
    assertThat(header).doesNotHaveDuplicates();
    assertThat(rows).hasSize(4);
    // Sorted by scenario then VM; the spec with its commas survives as one field.
    CSVRecord vm2 = rows.get(1);
    assertThat(vm2.get("scenario")).isEqualTo(ComparisonTableTest.ABLATION);
    assertThat(vm2.get("vm")).isEqualTo("vm2");
    // vm2: 5120 pages in 1 s of 10 -> avg 512 pages = 2097152 bytes, peak 20 MiB
    assertThat(vm2.get("avg_pinned_bytes")).isEqualTo("2097152");
    assertThat(vm2.get("peak_pinned_bytes")).isEqualTo("20971520");
    assertThat(vm2.get("notifications")).isEqualTo("10");
    assertThat(vm2.get("notifications_per_s")).isEqualTo("1");
    assertThat(vm2.get("duration_s")).isEqualTo("10");
    assertThat(vm2.get("complete")).isEqualTo("true");
    CSVRecord static1 = rows.get(2);
    assertThat(static1.get("scenario")).isEqualTo("static");
    assertThat(static1.get("peak_pinned_pct")).isEqualTo("100");
    assertThat(static1.get("boot_pinned_bytes")).isEqualTo(Long.toString(1L << 30));
    assertThat(static1.get("min_reclaimable_bytes")).isEqualTo("0");
    assertThat(Files.readString(dir.resolve(Report.SUMMARY_CSV)))
        .contains("\"" + ComparisonTableTest.ABLATION + "\",vm1,");
  }
}
