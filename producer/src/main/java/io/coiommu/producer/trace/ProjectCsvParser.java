package io.coiommu.producer.trace;

import io.coiommu.producer.RejectReason;
import io.coiommu.producer.VmEvent;
import io.coiommu.producer.VmIdentity;
import java.util.List;

/**
 * The project's CSV: a header naming the columns (any order, any subset of {@link
 * ProjectRecord#COLUMNS} that includes tsNs and type), then one event per line, fields separated by
 * commas without quoting. Empty fields take the schema default; numbers are decimal, or hexadecimal
 * with 0x. Lines starting with # are comments.
 */
final class ProjectCsvParser implements LineParser {

  private final VmIdentity identity;
  private String[] columns;

  ProjectCsvParser(VmIdentity identity) {
    this.identity = identity;
  }

  @Override
  public Outcome parse(String line, long lineNumber, List<VmEvent> out) throws BadLine {
    if (line.isBlank() || line.startsWith("#")) {
      return Outcome.IGNORED;
    }
    String[] cells = line.split(",", -1);
    if (columns == null) {
      header(cells);
      return Outcome.IGNORED;
    }
    if (cells.length < columns.length) {
      throw new BadLine(
          RejectReason.TRUNCATED,
          "has " + cells.length + " fields, the header names " + columns.length);
    }
    if (cells.length > columns.length) {
      throw new BadLine(
          RejectReason.MALFORMED,
          "has " + cells.length + " fields, the header names " + columns.length);
    }
    out.add(
        ProjectRecord.decode(
            field -> {
              for (int i = 0; i < columns.length; i++) {
                if (field.equals(columns[i])) {
                  String v = cells[i].trim();
                  return v.isEmpty() ? null : v;
                }
              }
              return null;
            },
            identity));
    return Outcome.EVENTS;
  }

  private void header(String[] cells) throws BadLine {
    String[] names = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      names[i] = ProjectRecord.canonical(cells[i]);
      if (names[i] == null) {
        throw new BadLine(
            RejectReason.MALFORMED,
            "header: unknown column '"
                + Fields.shorten(cells[i].trim())
                + "' (columns: "
                + String.join(",", ProjectRecord.COLUMNS)
                + ")");
      }
    }
    List<String> given = List.of(names);
    if (!given.contains("tsNs") || !given.contains("type")) {
      throw new BadLine(RejectReason.MALFORMED, "header must name at least tsNs and type");
    }
    columns = names;
  }
}
