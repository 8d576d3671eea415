package io.coiommu.analytics;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** Writes a run's report files into a directory. */
public final class Report {

  public static final String SUMMARY_CSV = "summary.csv";

  private static final CSVFormat CSV = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();

  private Report() {}

  public static void write(RunSummary s, Path dir) throws IOException {
    Files.createDirectories(dir);
    writeSummaryCsv(s, dir.resolve(SUMMARY_CSV));
  }

  /** BigDecimal's toString may use exponents (1E+1); spreadsheets want plain digits. */
  private static Object plain(Object value) {
    return value instanceof BigDecimal d ? d.toPlainString() : value;
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
}
