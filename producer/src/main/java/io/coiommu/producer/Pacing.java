package io.coiommu.producer;

import java.util.Locale;

/**
 * How fast a trace is replayed against its own clock: as fast as possible ({@code max}) or at a
 * multiple of trace time ({@code 1x} real time, {@code 10x} ten times faster). Pacing only changes
 * when records reach Kafka, never what they contain: the emulation runs on trace time.
 */
public final class Pacing {

  public static final Pacing MAX = new Pacing(0);

  private final double speed;

  private Pacing(double speed) {
    this.speed = speed;
  }

  /**
   * {@code "max"}, or a positive factor followed by {@code x}: {@code "1x"}, {@code "10x"}, {@code
   * "0.5x"}.
   */
  public static Pacing parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("max")) {
      return MAX;
    }
    if (!t.endsWith("x")) {
      throw new IllegalArgumentException(
          "speed must be 'max' or a factor like '1x' or '10x', got '" + text + "'");
    }
    double factor;
    try {
      factor = Double.parseDouble(t.substring(0, t.length() - 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "speed must be 'max' or a factor like '1x' or '10x', got '" + text + "'");
    }
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("speed factor must be positive, got '" + text + "'");
    }
    return new Pacing(factor);
  }

  public boolean isMax() {
    return speed == 0;
  }

  /** Wall-clock nanoseconds that {@code traceNanos} of trace time should take; 0 at max speed. */
  public long wallNanosFor(long traceNanos) {
    return isMax() ? 0 : (long) (traceNanos / speed);
  }

  @Override
  public String toString() {
    if (isMax()) {
      return "max";
    }
    return (speed == Math.rint(speed) ? Long.toString((long) speed) : Double.toString(speed)) + "x";
  }
}
