package io.coiommu.producer.trace;

import io.coiommu.producer.RejectReason;
import io.coiommu.producer.VmEvent;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code perf script} output of the iommu: and dma: tracepoints: {@code COMM PID[/TID] [CPU]
 * SECONDS.FRACTION: [PERIOD] SYSTEM:EVENT: PAYLOAD}, the command name right-aligned and possibly
 * holding spaces. The payload is the kernel's, as in ftrace.
 */
final class PerfScriptParser extends KernelLineParser {

  static final Pattern LINE =
      Pattern.compile(
          "^\\s*(.+?)\\s+(\\d+)(?:/(\\d+))?\\s+\\[(\\d{1,5})\\]\\s+(\\d+\\.\\d+):\\s+(?:\\d+\\s+)?"
              + "(\\w+):(\\w+):(?:\\s+(.*))?$");

  PerfScriptParser(Rejects counts) {
    super(counts);
  }

  @Override
  public Outcome parse(String line, long lineNumber, List<VmEvent> out) throws BadLine {
    if (line.isBlank() || line.startsWith("#")) {
      return Outcome.IGNORED;
    }
    Matcher m = LINE.matcher(line);
    if (!m.matches()) {
      throw new BadLine(
          RejectReason.MALFORMED,
          "not a perf script line (COMM PID [CPU] TIMESTAMP: SYSTEM:EVENT: ...)");
    }
    return kernel.decodeLine(m.group(6), m.group(7), m.group(5), m.group(8), out);
  }
}
