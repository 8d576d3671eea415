package io.coiommu.producer;

import java.util.OptionalLong;

/**
 * The arithmetic both console listeners share: rate over the whole run, share done and time left.
 * Progress display is the one place where wall-clock time belongs.
 */
final class ProgressMeter {

  private final OptionalLong expected;
  private final long startNanos = System.nanoTime();

  ProgressMeter(OptionalLong expected) {
    this.expected = expected;
  }

  long elapsedNanos() {
    return System.nanoTime() - startNanos;
  }

  double rate(long events) {
    long el = elapsedNanos();
    return el <= 0 ? 0 : events * 1e9 / el;
  }

  /** Share done in [0, 1], when the total is known. */
  OptionalDoubleShare share(long events) {
    if (expected.isEmpty() || expected.getAsLong() <= 0) {
      return OptionalDoubleShare.UNKNOWN;
    }
    return new OptionalDoubleShare(Math.min(1.0, events / (double) expected.getAsLong()));
  }

  String eta(long events) {
    double rate = rate(events);
    if (expected.isEmpty() || rate <= 0) {
      return "";
    }
    long left = Math.max(0, expected.getAsLong() - events);
    return "ETA " + clock((long) (left / rate));
  }

  static String clock(long seconds) {
    return seconds >= 3600
        ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format("%d:%02d", seconds / 60, seconds % 60);
  }

  static String count(double n) {
    if (n >= 1e9) {
      return String.format("%.2fG", n / 1e9);
    }
    if (n >= 1e6) {
      return String.format("%.2fM", n / 1e6);
    }
    if (n >= 1e4) {
      return String.format("%.1fk", n / 1e3);
    }
    return String.format("%.0f", n);
  }

  record OptionalDoubleShare(double value) {
    static final OptionalDoubleShare UNKNOWN = new OptionalDoubleShare(-1);

    boolean known() {
      return value >= 0;
    }
  }
}
