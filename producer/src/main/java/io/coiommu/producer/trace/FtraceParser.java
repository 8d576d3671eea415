package io.coiommu.producer.trace;

import io.coiommu.producer.RejectReason;
import io.coiommu.producer.VmEvent;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Linux ftrace text as {@code /sys/kernel/tracing/trace} and {@code trace-cmd report} print it:
 * {@code TASK-PID [(TGID)] [CPU] [FLAGS] SECONDS.FRACTION: [SYSTEM:]EVENT: PAYLOAD}. The task name
 * may hold '-', '/', '(' and spaces, so the PID is the last {@code -digits} before the CPU column;
 * the flags column has 4 characters before Linux 5.17 and 5 since, and trace-cmd omits it unless
 * asked; trace-cmd also pads the event name with spaces. Header lines ({@code #...}, {@code cpus=N}, {@code version = N}) are ignored.
 */
final class FtraceParser implements LineParser {

  static final Pattern LINE = Pattern.compile(
      "^\\s*(.+?)-(\\d+)\\s+(?:\\(\\s*(?:\\d+|-+)\\)\\s+)?\\[(\\d{1,5})\\]\\s+(?:(\\S{4,5})\\s+)?"
          + "(\\d+\\.\\d+):\\s+(?:(\\w+):)?(\\w+):(?:\\s+(.*))?$");
  private static final Pattern LOST = Pattern.compile("^\\s*CPU:\\s*(\\d+) \\[LOST (\\d+) EVENTS\\]\\s*$");
  private static final Pattern HEADER = Pattern.compile("^(?:#.*|\\s*|cpus=\\d+|version = .*|CPU \\d+ is empty|"
      + "CPU\\d+ data recorded at offset=.*|\\s+\\d+ bytes in size.*)$");

  private final KernelDmaEvents kernel = new KernelDmaEvents();

  @Override
  public Outcome parse(String line, long lineNumber, List<VmEvent> out) throws BadLine {
    Matcher m = LINE.matcher(line);
    if (!m.matches()) {
      if (HEADER.matcher(line).matches()) {
        return Outcome.IGNORED;
      }
      Matcher lost = LOST.matcher(line);
      if (lost.matches()) {
        throw new BadLine(RejectReason.TRUNCATED, "the kernel lost " + lost.group(2) + " events of CPU "
            + lost.group(1) + " here: the trace has a gap");
      }
      throw new BadLine(RejectReason.MALFORMED, "not an ftrace line (TASK-PID [CPU] TIMESTAMP: EVENT: ...)");
    }
    return kernel.decodeLine(m.group(6), m.group(7), m.group(5), m.group(8), out);
  }
}
