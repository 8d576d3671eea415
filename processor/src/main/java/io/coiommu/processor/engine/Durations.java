package io.coiommu.processor.engine;

/** Trace-time durations as scenario specs write them: an integer with a unit (ns, us, ms, s, m). */
final class Durations {

  private static final long[] UNIT_NANOS = {60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L};
  private static final String[] UNIT_NAMES = {"m", "s", "ms", "us", "ns"};

  private Durations() {}

  /** Parses e.g. {@code 10s}, {@code 500ms}; {@code what} names the field in the error message. */
  static long parse(String text, String what) {
    String t = text.trim();
    int i = 0;
    while (i < t.length() && Character.isDigit(t.charAt(i))) {
      i++;
    }
    if (i == 0) {
      throw new IllegalArgumentException(what + ": '" + text + "' is not a duration like 10s, 500ms, 250us or 7ns");
    }
    String unit = t.substring(i);
    for (int u = 0; u < UNIT_NAMES.length; u++) {
      if (UNIT_NAMES[u].equals(unit)) {
        try {
          return Math.multiplyExact(Long.parseLong(t.substring(0, i)), UNIT_NANOS[u]);
        } catch (ArithmeticException | NumberFormatException e) {
          throw new IllegalArgumentException(what + ": '" + text + "' is too large");
        }
      }
    }
    throw new IllegalArgumentException(
        what + ": '" + text + "' has no unit or an unknown one (use ns, us, ms, s or m)");
  }

  /** The canonical form: the largest of s, ms, us, ns that divides it exactly. */
  static String format(long ns) {
    for (int u = 1; u < UNIT_NAMES.length; u++) {
      if (ns % UNIT_NANOS[u] == 0) {
        return (ns / UNIT_NANOS[u]) + UNIT_NAMES[u];
      }
    }
    return ns + "ns";
  }
}
