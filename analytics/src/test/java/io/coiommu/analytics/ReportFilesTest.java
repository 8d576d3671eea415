package io.coiommu.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** The report directory of a plausible run: every file there, and the same numbers in each. */
class ReportFilesTest {

  /** Written under target/ so a person (or a screenshot) can look at it after the build. */
  static final Path SAMPLE = Path.of("target", "sample-report");

  @Test
  void writesEveryFileWithTheSameNumbers() throws Exception {
    RunSummary s = SyntheticRun.summary();
    Report.write(s, SAMPLE);

    assertThat(SAMPLE.resolve("index.html"))
        .content()
        .contains(
            "<script src=\"echarts.min.js\"></script>",
            "<script src=\"data.js\"></script>",
            "CoiommuCharts.render");
    assertThat(Files.size(SAMPLE.resolve("echarts.min.js"))).isGreaterThan(500_000);
    assertThat(SAMPLE.resolve("charts.js")).exists();
    assertThat(SAMPLE.resolve("style.css")).exists();
    assertThat(SAMPLE.resolve("data.js")).content().startsWith("window.COIOMMU_SUMMARY = {");

    JsonNode doc = SummaryJson.MAPPER.readTree(SAMPLE.resolve(Report.SUMMARY_JSON).toFile());
    assertThat(doc.get("scenarios")).hasSize(5);
    assertThat(doc.get("progress").get("vm_runs_complete").asLong()).isEqualTo(20);
    JsonNode lru = doc.get("scenarios").get(0);
    assertThat(lru.get("scenario").asText())
        .isEqualTo("coiommu:unpin=lru,interval=10s,limit=8192,gen=10");
    assertThat(lru.get("label").asText()).isEqualTo("coiommu unpin=lru,interval=10s,limit=8192");
    VmGroup fleet = s.scenario(lru.get("scenario").asText()).fleet();
    assertThat(lru.get("fleet").get("peak_pinned_bytes").asLong())
        .isEqualTo(fleet.peakPinnedBytes());
    assertThat(lru.get("fleet").get("notifications").asLong())
        .isEqualTo(fleet.total(WindowMetric.NOTIFICATIONS));
    assertThat(lru.get("hosts"))
        .extracting(h -> h.get("name").asText())
        .containsExactly("host-a", "host-b");
    assertThat(lru.get("distributions").get("peak_pinned_bytes").get("max").asLong())
        .isEqualTo(
            s.scenario(lru.get("scenario").asText()).vms().stream()
                .mapToLong(VmRun::peakPinnedBytes)
                .max()
                .orElseThrow());
    assertThat(lru.get("vm_series").fieldNames())
        .toIterable()
        .containsExactly("vm-nic-1", "vm-nic-2", "vm-stor-1", "vm-stor-2");
    assertThat(doc.get("chosen_vm").asText()).isEqualTo("vm-nic-1");

    // timeseries.csv: the fleet's per-window notifications add up to the run's, as in summary.json
    List<CSVRecord> rows;
    try (Reader r = Files.newBufferedReader(SAMPLE.resolve(Report.TIMESERIES_CSV));
        CSVParser p = CSVFormat.RFC4180.builder().setHeader().get().parse(r)) {
      rows = p.getRecords();
    }
    long fleetNotifications =
        rows.stream()
            .filter(
                r ->
                    r.get("scenario").equals(lru.get("scenario").asText())
                        && r.get("level").equals("fleet"))
            .mapToLong(r -> Long.parseLong(r.get("notifications")))
            .sum();
    assertThat(fleetNotifications).isEqualTo(lru.get("fleet").get("notifications").asLong());
    CSVRecord idleVm =
        rows.stream()
            .filter(
                r ->
                    r.get("level").equals("vm")
                        && r.get("group").equals("vm-stor-1")
                        && r.get("window_start_s").equals("25"))
            .findFirst()
            .orElseThrow();
    assertThat(idleVm.get("mapped_bytes")).as("a VM keeps no mapped series").isEmpty();
    assertThat(idleVm.get("notifications")).isEqualTo("0");
  }
}
