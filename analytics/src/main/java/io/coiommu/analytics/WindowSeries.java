package io.coiommu.analytics;

import io.coiommu.schema.WindowResult;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Chosen {@link WindowMetric}s per aligned window of trace time, summed over every record added:
 * one VM's series, or a host's or the fleet's when the records of many VMs are added.
 *
 * <p>A record that spans several windows is an idle stretch (nothing changed in it): its gauges
 * hold over every window it covers, its peaks too, its integrals are split in proportion to the
 * overlap, and its counters (normally 0 there) go to its first window, where whatever happened must
 * have happened.
 */
public final class WindowSeries {

  private final long windowNanos;
  private final WindowMetric[] metrics;
  private final int[] column = new int[WindowMetric.values().length];

  /** values[column][window - base]; doubles for the reason given in {@link WindowMetric#read}. */
  private double[][] values;

  private long base;
  private long first = Long.MAX_VALUE;
  private long last = Long.MIN_VALUE;

  public WindowSeries(long windowNanos, Set<WindowMetric> metrics) {
    if (windowNanos <= 0) {
      throw new IllegalArgumentException("window must be positive, got " + windowNanos + " ns");
    }
    this.windowNanos = windowNanos;
    this.metrics = EnumSet.copyOf(metrics).toArray(new WindowMetric[0]);
    Arrays.fill(column, -1);
    for (int i = 0; i < this.metrics.length; i++) {
      column[this.metrics[i].ordinal()] = i;
    }
    this.values = new double[this.metrics.length][0];
  }

  public static WindowSeries allMetrics(long windowNanos) {
    return new WindowSeries(windowNanos, EnumSet.allOf(WindowMetric.class));
  }

  public long windowNanos() {
    return windowNanos;
  }

  public boolean isEmpty() {
    return first > last;
  }

  /** Index of the first window holding data (window i starts at i * windowNanos). */
  public long firstWindow() {
    return first;
  }

  /** Index of the last window holding data. */
  public long lastWindow() {
    return last;
  }

  public long windowOf(long ns) {
    return Math.floorDiv(ns, windowNanos);
  }

  public void add(WindowResult r) {
    long start = r.getWindowStartNs();
    long end = Math.max(start, r.getWindowEndNs());
    long from = windowOf(start);
    long to = end > start ? windowOf(end - 1) : from;
    ensure(from, to);
    for (WindowMetric m : metrics) {
      double v = m.read(r);
      int c = column[m.ordinal()];
      switch (m.kind()) {
        case COUNTER -> values[c][(int) (from - base)] += v;
        case GAUGE, PEAK -> {
          for (long w = from; w <= to; w++) {
            values[c][(int) (w - base)] += v;
          }
        }
        case INTEGRAL -> splitIntegral(values[c], v, start, end, from, to);
      }
    }
  }

  /** Splits an integral over the windows of [start, end) in proportion to each window's overlap. */
  private void splitIntegral(double[] row, double total, long start, long end, long from, long to) {
    long span = end - start;
    if (span == 0 || from == to) {
      row[(int) (from - base)] += total;
      return;
    }
    for (long w = from; w <= to; w++) {
      long overlap = Math.min(end, (w + 1) * windowNanos) - Math.max(start, w * windowNanos);
      row[(int) (w - base)] += total * overlap / span;
    }
  }

  public boolean keeps(WindowMetric m) {
    return column[m.ordinal()] >= 0;
  }

  /** Start of window w in trace nanoseconds. */
  public long startOf(long w) {
    return w * windowNanos;
  }

  /** The value of a metric in window w (0 outside the data). */
  public double get(WindowMetric m, long w) {
    int c = column[m.ordinal()];
    if (c < 0) {
      throw new IllegalArgumentException(m + " is not kept in this series");
    }
    if (isEmpty() || w < first || w > last) {
      return 0;
    }
    return values[c][(int) (w - base)];
  }

  /** Largest per-window value of a metric. */
  public double max(WindowMetric m) {
    double max = 0;
    for (long w = first; w <= last; w++) {
      max = Math.max(max, get(m, w));
    }
    return max;
  }

  /** Window whose value of m is largest (the first such), or -1 when empty. */
  public long argMax(WindowMetric m) {
    long best = -1;
    double max = Double.NEGATIVE_INFINITY;
    for (long w = first; w <= last; w++) {
      if (get(m, w) > max) {
        max = get(m, w);
        best = w;
      }
    }
    return best;
  }

  private void ensure(long from, long to) {
    if (isEmpty()) {
      base = from;
      resize(base, to - from + 1);
    } else if (from < base || to - base >= values[0].length) {
      long newBase = Math.min(base, from);
      long needed = Math.max(to, base + values[0].length - 1) - newBase + 1;
      resize(newBase, Math.max(needed, Math.min(2 * (long) values[0].length, needed + 1024)));
    }
    first = Math.min(first, from);
    last = Math.max(last, to);
  }

  private void resize(long newBase, long length) {
    if (length > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("trace spans more than " + Integer.MAX_VALUE + " windows");
    }
    int shift = (int) (base - newBase);
    for (int c = 0; c < values.length; c++) {
      double[] grown = new double[(int) length];
      System.arraycopy(
          values[c], 0, grown, shift, Math.min(values[c].length, (int) length - shift));
      values[c] = grown;
    }
    base = newBase;
  }
}
