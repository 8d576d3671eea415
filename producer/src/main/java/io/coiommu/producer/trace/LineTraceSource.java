package io.coiommu.producer.trace;

import io.coiommu.producer.RejectReason;
import io.coiommu.producer.VmEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A text trace read line by line through a {@link LineParser}: every line is counted, every bad one
 * rejected with its number and reason, and the rest streamed as events, holding no more than one
 * line's events at a time.
 */
final class LineTraceSource extends RecordedTraceSource {

  private final LineReader reader;
  private final LineParser parser;
  private final VmOrder order;
  private final List<VmEvent> lineEvents = new ArrayList<>();
  private final List<VmEvent> checked = new ArrayList<>();

  LineTraceSource(
      String description, LineReader reader, LineParser parser, VmOrder order, Rejects rejects) {
    super(description, rejects);
    this.reader = reader;
    this.parser = parser;
    this.order = order;
  }

  @Override
  protected boolean readMore() throws IOException {
    LineReader.Line line;
    try {
      line = reader.next();
    } catch (IOException e) {
      // A damaged compressed trace, cut short or corrupt: what was read stands, the rest is lost.
      rejects.countLine();
      rejects.reject(
          reader.linesRead() + 1,
          RejectReason.BINARY,
          "unreadable input, the rest of the file is lost: " + e.getMessage(),
          "");
      parser.finish(ready);
      return false;
    }
    if (line == null) {
      parser.finish(ready);
      return false;
    }
    rejects.countLine();
    if (line.problem() != null) {
      rejects.reject(
          line.number(),
          line.problem(),
          line.problem() == RejectReason.LINE_TOO_LONG
              ? "line of " + line.length() + " bytes (at most " + LineReader.MAX_LINE_BYTES + ")"
              : "binary data: control bytes or invalid UTF-8",
          line.text());
      return true;
    }
    lineEvents.clear();
    checked.clear();
    try {
      if (parser.parse(line.text(), line.number(), lineEvents) == LineParser.Outcome.IGNORED) {
        rejects.countIgnored();
        return true;
      }
      order.accept(lineEvents, checked);
      parser.pass(checked, ready);
    } catch (BadLine bad) {
      rejects.reject(line.number(), bad.reason(), bad.getMessage(), line.text());
    }
    return true;
  }

  @Override
  protected void closeInput() throws IOException {
    reader.close();
  }
}
