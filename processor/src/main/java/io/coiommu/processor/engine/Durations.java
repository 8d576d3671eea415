package io.coiommu.processor.engine;

import io.coiommu.schema.Quantities;

/**
 * Trace-time durations as scenario specs and cost parameters write them: the one grammar of {@link
 * Quantities#nanos} ({@code 10s}, {@code 500ms}, {@code 1.5s}, {@code 1h}, {@code 10} for seconds),
 * written back canonically.
 */
final class Durations {

  private static final long[] UNIT_NANOS = {
    60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L
  };
  private static final String[] UNIT_NAMES = {"m", "s", "ms", "us", "ns"};

  private Durations() {}

  /** Parses a duration; {@code what} names the field in the error message. */
  static long parse(String text, String what) {
    try {
      return Quantities.nanos(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
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
