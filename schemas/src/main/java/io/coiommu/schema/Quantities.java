package io.coiommu.schema;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one grammar of the sizes and durations users write, wherever they write them (CLI options,
 * workload and scenario specs, cost parameters): a number, possibly with a fraction, and an
 * optional unit. Sizes: {@code 8g}, {@code 512MiB}, {@code 4096}; durations: {@code 90s}, {@code
 * 10m}, {@code 1.5s}, {@code 1h}, {@code 10} (seconds).
 */
public final class Quantities {

  private static final Pattern NUMBER_UNIT = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([a-z]*)");

  private Quantities() {}

  /** Bytes; units k, m, g, t (also kb/kib...), all binary (1k = 1024); no unit means bytes. */
  public static long bytes(String text) {
    Matcher m = match(text, "size", "8g, 512m, 4096");
    long unit =
        switch (m.group(2)) {
          case "", "b" -> 1L;
          case "k", "kb", "kib" -> 1L << 10;
          case "m", "mb", "mib" -> 1L << 20;
          case "g", "gb", "gib" -> 1L << 30;
          case "t", "tb", "tib" -> 1L << 40;
          default ->
              throw new IllegalArgumentException(
                  "unknown size unit in '" + text + "' (use k, m, g or t)");
        };
    return scale(m.group(1), unit, text);
  }

  /** Nanoseconds; units ns, us, ms, s, m (minutes), h, d; no unit means seconds. */
  public static long nanos(String text) {
    Matcher m = match(text, "duration", "90s, 10m, 250ms");
    long unit =
        switch (m.group(2)) {
          case "ns" -> 1L;
          case "us" -> 1_000L;
          case "ms" -> 1_000_000L;
          case "", "s" -> 1_000_000_000L;
          case "m", "min" -> 60_000_000_000L;
          case "h" -> 3_600_000_000_000L;
          case "d" -> 86_400_000_000_000L;
          default ->
              throw new IllegalArgumentException(
                  "unknown time unit in '" + text + "' (use ms, s, m, h or d)");
        };
    return scale(m.group(1), unit, text);
  }

  private static Matcher match(String text, String what, String examples) {
    Matcher m = NUMBER_UNIT.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("bad " + what + " '" + text + "' (e.g. " + examples + ")");
    }
    return m;
  }

  private static long scale(String number, long unit, String text) {
    if (number.indexOf('.') < 0) {
      // Whole numbers exactly: a double would round nanosecond counts above 2^53.
      try {
        return Math.multiplyExact(Long.parseLong(number), unit);
      } catch (ArithmeticException | NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' is too large");
      }
    }
    double value = Double.parseDouble(number) * unit;
    if (value >= Long.MAX_VALUE) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
    return Math.round(value);
  }

  /** For messages: 8 GiB, 512 MiB, 64 KiB. */
  public static String formatBytes(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    double v = bytes;
    while (v >= 1024 && u < units.length - 1 && v % 1024 == 0) {
      v /= 1024;
      u++;
    }
    return (v == Math.rint(v) ? Long.toString((long) v) : String.format("%.1f", v))
        + " "
        + units[u];
  }
}
