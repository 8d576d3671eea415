package io.coiommu.analytics;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes a run's report into a directory: index.html with its charts (opens offline: the chart
 * library and the data sit beside it), summary.csv, timeseries.csv and summary.json, all from the
 * same summary document.
 */
public final class Report {

  public static final String SUMMARY_CSV = "summary.csv";
  public static final String TIMESERIES_CSV = "timeseries.csv";
  public static final String SUMMARY_JSON = "summary.json";
  public static final String INDEX_HTML = "index.html";

  /**
   * The summary document as a script: browsers refuse to fetch a JSON file from a page opened as a
   * file.
   */
  static final String DATA_JS = "data.js";

  private static final CSVFormat CSV = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();

  private Report() {}

  public static void write(RunSummary s, Path dir) throws IOException {
    Files.createDirectories(dir);
    writeSummaryCsv(s, dir.resolve(SUMMARY_CSV));
    writeTimeseriesCsv(s, dir.resolve(TIMESERIES_CSV));
    String json = SummaryJson.toJson(s);
    Files.writeString(dir.resolve(SUMMARY_JSON), json, StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve(DATA_JS), "window.COIOMMU_SUMMARY = " + json + ";\n", StandardCharsets.UTF_8);
    WebAssets.copyAll(dir);
    Files.writeString(
        dir.resolve(INDEX_HTML),
        WebAssets.page(
            "coIOMMU pipeline report",
            "",
            "<script src=\""
                + DATA_JS
                + "\"></script>\n<script>CoiommuCharts.render(window.COIOMMU_SUMMARY);</script>"),
        StandardCharsets.UTF_8);
  }

  /** One row per scenario and VM; scenario specs contain commas, so the printer quotes them. */
  static void writeSummaryCsv(RunSummary s, Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        CSVPrinter csv = new CSVPrinter(w, CSV)) {
      csv.printRecord(VmColumn.ALL.stream().map(VmColumn::name));
      for (ScenarioRun sc : s.scenarios()) {
        for (VmRun vm : sc.vms()) {
          csv.printRecord(VmColumn.ALL.stream().map(c -> plain(c.of(vm))));
        }
      }
    }
  }

  /**
   * One row per scenario, level (fleet, host, vm), group and window. A VM keeps only its pinned
   * memory and notification series, so its other cells are empty.
   */
  static void writeTimeseriesCsv(RunSummary s, Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        CSVPrinter csv = new CSVPrinter(w, CSV)) {
      List<String> header =
          new ArrayList<>(List.of("scenario", "level", "group", "window_start_s", "window_end_s"));
      WindowColumn.ALL.forEach(c -> header.add(c.name()));
      csv.printRecord(header);
      for (ScenarioRun sc : s.scenarios()) {
        printSeries(csv, sc.scenario(), "fleet", ScenarioRun.FLEET, sc.fleet().series());
        for (VmGroup host : sc.hosts()) {
          printSeries(csv, sc.scenario(), "host", host.name(), host.series());
        }
        for (VmRun vm : sc.vms()) {
          printSeries(csv, sc.scenario(), "vm", vm.vm(), vm.series());
        }
      }
    }
  }

  private static void printSeries(
      CSVPrinter csv, String scenario, String level, String group, WindowSeries series)
      throws IOException {
    if (series.isEmpty()) {
      return;
    }
    for (long w = series.firstWindow(); w <= series.lastWindow(); w++) {
      List<Object> row =
          new ArrayList<>(
              List.of(
                  scenario,
                  level,
                  group,
                  plain(VmColumn.decimal(Units.seconds(series.startOf(w)))),
                  plain(VmColumn.decimal(Units.seconds(series.startOf(w + 1))))));
      for (WindowColumn c : WindowColumn.ALL) {
        row.add(c.availableIn(series) ? plain(c.of(series, w)) : "");
      }
      csv.printRecord(row);
    }
  }

  /** BigDecimal's toString may use exponents (1E+1); spreadsheets want plain digits. */
  private static Object plain(Object value) {
    return value instanceof BigDecimal d ? d.toPlainString() : value;
  }
}
