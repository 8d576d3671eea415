package io.coiommu.producer.trace;

import io.coiommu.producer.RejectReason;
import io.coiommu.producer.VmEvent;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Linux ftrace text as {@code /sys/kernel/tracing/trace} and {@code trace-cmd report} print it:
 * {@code TASK-PID [(TGID)] [CPU] [FLAGS] SECONDS.FRACTION: [SYSTEM:]EVENT: PAYLOAD}. The task name
 * may hold '-', '/', '(' and spaces, so the PID is the first {@code -digits} followed by the CPU
 * column; the flags column has 4 characters before Linux 5.17 and 5 since, more on RT and
 * distribution kernels (CentOS Stream 9's 5.14 prints 7: {@code .......}), and trace-cmd omits it
 * unless asked; trace-cmd also pads the event name with spaces. Header lines ({@code #...}, {@code
 * cpus=N}, {@code version = N}, {@code CPU N is empty}) are ignored.
 *
 * <p>{@link #LINE} defines the format. Matching it costs microseconds a line, so lines are first
 * split by {@link #split}, a hand-written scan of the same grammar; a line the scan cannot split
 * goes to the regular expression, which has the last word.
 */
final class FtraceParser extends KernelLineParser {

  /**
   * Characters of a flags column: 4 before Linux 5.17, 5 since, up to 8 on RT and distribution
   * kernels.
   */
  static final int MIN_FLAGS = 4;

  static final int MAX_FLAGS = 8;

  static final Pattern LINE =
      Pattern.compile(
          "^\\s*(.+?)-(\\d+)\\s+(?:\\(\\s*(?:\\d+|-+)\\)\\s+)?\\[(\\d{1,5})\\]\\s+"
              + "(?:(\\S{"
              + MIN_FLAGS
              + ","
              + MAX_FLAGS
              + "})\\s+)?(\\d+\\.\\d+):\\s+(?:(\\w+):)?(\\w+):(?:\\s+(.*))?$");

  /**
   * The line shape with a bare integer timestamp: what counter trace clocks (counter, x86-tsc)
   * print.
   */
  private static final Pattern COUNTER_CLOCK =
      Pattern.compile(
          "^\\s*(.+?)-(\\d+)\\s+(?:\\(\\s*(?:\\d+|-+)\\)\\s+)?\\[(\\d{1,5})\\]\\s+(?:(\\S{"
              + MIN_FLAGS
              + ","
              + MAX_FLAGS
              + "})\\s+)?(\\d+):\\s.*$");

  private static final Pattern LOST =
      Pattern.compile("^\\s*CPU:\\s*(\\d+) \\[LOST (\\d+) EVENTS\\]\\s*$");
  private static final Pattern HEADER =
      Pattern.compile(
          "^(?:#.*|\\s*|cpus=\\d+|version = .*|CPU \\d+ is empty|"
              + "CPU\\d+ data recorded at offset=.*|\\s+\\d+ bytes in size.*)$");

  /** The parts of a line the decoder needs; system and body may be null. */
  record Split(String system, String event, String seconds, String body) {}

  FtraceParser(Rejects counts) {
    super(counts);
  }

  @Override
  public Outcome parse(String line, long lineNumber, List<VmEvent> out) throws BadLine {
    Split s = split(line);
    if (s == null) {
      s = splitByPattern(line);
    }
    return kernel.decodeLine(s.system(), s.event(), s.seconds(), s.body(), out);
  }

  private static Split splitByPattern(String line) throws BadLine {
    Matcher m = LINE.matcher(line);
    if (m.matches()) {
      return new Split(m.group(6), m.group(7), m.group(5), m.group(8));
    }
    if (HEADER.matcher(line).matches()) {
      return new Split(null, "", "0", null);
    }
    Matcher lost = LOST.matcher(line);
    if (lost.matches()) {
      throw new BadLine(
          RejectReason.TRUNCATED,
          "the kernel lost "
              + lost.group(2)
              + " events of CPU "
              + lost.group(1)
              + " here: the trace has a gap");
    }
    if (COUNTER_CLOCK.matcher(line).matches()) {
      throw new BadLine(
          RejectReason.MALFORMED,
          "timestamp without a fraction: the trace used a counter clock "
              + "(trace_clock counter or x86-tsc) whose unit is unknown; record with trace_clock local, global or mono");
    }
    throw new BadLine(
        RejectReason.MALFORMED, "not an ftrace line (TASK-PID [CPU] TIMESTAMP: EVENT: ...)");
  }

  /** {@link #LINE} by hand, for the common shapes; null when unsure (the pattern then decides). */
  static Split split(String line) {
    int n = line.length();
    int close = -1;
    for (int open = line.indexOf('['); open > 0 && close < 0; open = line.indexOf('[', open + 1)) {
      if (isCpuColumn(line, open)) {
        close = line.indexOf(']', open);
      }
    }
    if (close < 0) {
      return null;
    }
    int i = skipSpaces(line, close + 1);
    if (i == close + 1) {
      return null;
    }
    int end = tokenEnd(line, i);
    if (!isTimestamp(line, i, end)) {
      if (end - i < MIN_FLAGS || end - i > MAX_FLAGS) {
        return null;
      }
      int next = skipSpaces(line, end);
      if (next == end) {
        return null;
      }
      i = next;
      end = tokenEnd(line, i);
      if (!isTimestamp(line, i, end)) {
        return null;
      }
    }
    String seconds = line.substring(i, end - 1);
    i = skipSpaces(line, end);
    if (i == end) {
      return null;
    }
    int nameStart = i;
    int innerColon = -1;
    for (; i < n; i++) {
      char c = line.charAt(i);
      if (c == ':') {
        if (i == n - 1 || line.charAt(i + 1) == ' ') {
          break;
        }
        if (innerColon >= 0) {
          return null;
        }
        innerColon = i;
      } else if (!isWordChar(c)) {
        return null;
      }
    }
    if (i >= n) {
      return null;
    }
    String system = innerColon >= 0 ? line.substring(nameStart, innerColon) : null;
    String event = line.substring(innerColon >= 0 ? innerColon + 1 : nameStart, i);
    if (event.isEmpty() || (system != null && system.isEmpty())) {
      return null;
    }
    int body = skipSpaces(line, i + 1);
    return new Split(
        system, event, seconds, body < n && body > i + 1 ? line.substring(body) : null);
  }

  /**
   * {@code [digits]} preceded by spaces and, before them, an optional {@code (tgid)} and a {@code
   * -pid}.
   */
  private static boolean isCpuColumn(String line, int open) {
    int j = open + 1;
    while (j < line.length() && isDigit(line.charAt(j))) {
      j++;
    }
    if (j == open + 1 || j - open - 1 > 5 || j >= line.length() || line.charAt(j) != ']') {
      return false;
    }
    int k = open - 1;
    if (line.charAt(k) != ' ') {
      return false;
    }
    while (k >= 0 && line.charAt(k) == ' ') {
      k--;
    }
    if (k >= 0 && line.charAt(k) == ')') {
      int paren = line.lastIndexOf('(', k);
      if (paren < 1 || line.charAt(paren - 1) != ' ') {
        return false;
      }
      k = paren - 1;
      while (k >= 0 && line.charAt(k) == ' ') {
        k--;
      }
    }
    int digitsEnd = k;
    while (k >= 0 && isDigit(line.charAt(k))) {
      k--;
    }
    return k < digitsEnd
        && k >= 1
        && line.charAt(k) == '-'
        && line.substring(0, k).trim().length() > 0;
  }

  /** {@code digits.digits:} between from and to. */
  private static boolean isTimestamp(String line, int from, int to) {
    if (to - from < 4 || line.charAt(to - 1) != ':') {
      return false;
    }
    int dot = -1;
    for (int i = from; i < to - 1; i++) {
      char c = line.charAt(i);
      if (c == '.' && dot < 0 && i > from) {
        dot = i;
      } else if (!isDigit(c)) {
        return false;
      }
    }
    return dot > from && dot < to - 2;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** Regex {@code \w}: ASCII letters, digits and underscore. */
  private static boolean isWordChar(char c) {
    return isDigit(c) || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static int skipSpaces(String line, int i) {
    while (i < line.length() && line.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  private static int tokenEnd(String line, int i) {
    while (i < line.length() && line.charAt(i) != ' ') {
      i++;
    }
    return i;
  }
}
