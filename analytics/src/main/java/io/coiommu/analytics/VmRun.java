package io.coiommu.analytics;

import io.coiommu.schema.WindowResult;
import java.util.EnumSet;
import java.util.function.Consumer;

/**
 * Everything one scenario did for one VM over the run: totals folded from its records in order, and
 * a slim per-window series for its charts.
 */
public final class VmRun {

  /** What a VM keeps per window: enough for its pinned-memory and notification charts. */
  static final EnumSet<WindowMetric> SERIES_METRICS =
      EnumSet.of(
          WindowMetric.PINNED_PAGES,
          WindowMetric.PEAK_PINNED_PAGES,
          WindowMetric.PINNED_PAGE_NANOS,
          WindowMetric.NOTIFICATIONS,
          WindowMetric.EXITS);

  private final String scenario;
  private final String vm;
  private final double[] totals = new double[WindowMetric.values().length];
  private final WindowSeries series;
  private String host = "";
  private long guestBytes;
  private long startNs;
  private long endNs;
  private long records;
  private long maxDttBytes;
  private boolean last;

  VmRun(String scenario, String vm, long windowNanos) {
    this.scenario = scenario;
    this.vm = vm;
    this.series = new WindowSeries(windowNanos, SERIES_METRICS);
  }

  /**
   * Folds the next record of this (scenario, VM) in; contract breaches go to the sink, the record
   * still counts.
   */
  void add(WindowResult r, Consumer<ContractViolation> violations) {
    check(r, violations);
    if (records == 0) {
      host = r.getHost();
      guestBytes = r.getGuestBytes();
      startNs = r.getWindowStartNs();
    }
    endNs = Math.max(endNs, r.getWindowEndNs());
    records++;
    last |= r.getLast();
    maxDttBytes = Math.max(maxDttBytes, r.getDttBytes());
    for (WindowMetric m : WindowMetric.values()) {
      double v = m.read(r);
      int i = m.ordinal();
      switch (m.kind()) {
        case COUNTER, INTEGRAL -> totals[i] += v;
        case GAUGE -> totals[i] = v;
        case PEAK -> totals[i] = Math.max(totals[i], v);
      }
    }
    series.add(r);
  }

  private void check(WindowResult r, Consumer<ContractViolation> violations) {
    long start = r.getWindowStartNs();
    if (r.getWindowEndNs() < start) {
      violations.accept(
          violation(
              ContractViolation.Kind.NEGATIVE_SPAN,
              start,
              "ends at " + r.getWindowEndNs() + " ns"));
    }
    if (records == 0) {
      return;
    }
    if (last) {
      violations.accept(
          violation(ContractViolation.Kind.AFTER_LAST, start, "the VM's last record came before"));
    }
    if (start > endNs) {
      violations.accept(
          violation(
              ContractViolation.Kind.GAP, start, "previous record ended at " + endNs + " ns"));
    } else if (start < endNs) {
      violations.accept(
          violation(
              ContractViolation.Kind.OVERLAP, start, "previous record ended at " + endNs + " ns"));
    }
    if (!host.equals(r.getHost()) || guestBytes != r.getGuestBytes()) {
      violations.accept(
          violation(
              ContractViolation.Kind.VM_CHANGED,
              start,
              "host "
                  + host
                  + " -> "
                  + r.getHost()
                  + ", guest bytes "
                  + guestBytes
                  + " -> "
                  + r.getGuestBytes()));
    }
  }

  private ContractViolation violation(ContractViolation.Kind kind, long start, String detail) {
    return new ContractViolation(kind, scenario, vm, start, detail);
  }

  public String scenario() {
    return scenario;
  }

  public String vm() {
    return vm;
  }

  public String host() {
    return host;
  }

  public long guestBytes() {
    return guestBytes;
  }

  public long startNs() {
    return startNs;
  }

  public long endNs() {
    return endNs;
  }

  public long durationNs() {
    return endNs - startNs;
  }

  public boolean sawLast() {
    return last;
  }

  public long records() {
    return records;
  }

  /** The run's total of a counter, the latest value of a gauge, the max of a peak. */
  public long total(WindowMetric m) {
    return Math.round(totals[m.ordinal()]);
  }

  /** The run's total of an integral (a double: integrals outgrow a long). */
  public double integral(WindowMetric m) {
    return totals[m.ordinal()];
  }

  public WindowSeries series() {
    return series;
  }

  public long peakPinnedBytes() {
    return total(WindowMetric.PEAK_PINNED_PAGES) * Units.PAGE_BYTES;
  }

  /** Time-weighted average over the VM's life: the exact integral divided by the life's length. */
  public double avgPinnedBytes() {
    return Units.ratio(integral(WindowMetric.PINNED_PAGE_NANOS) * Units.PAGE_BYTES, durationNs());
  }

  public double peakPinnedShare() {
    return Units.ratio(peakPinnedBytes(), guestBytes);
  }

  public double avgPinnedShare() {
    return Units.ratio(avgPinnedBytes(), guestBytes);
  }

  public long pinnedBytesNow() {
    return total(WindowMetric.PINNED_PAGES) * Units.PAGE_BYTES;
  }

  public long maxDttBytes() {
    return maxDttBytes;
  }

  public double perSecond(WindowMetric counter) {
    return Units.perSecond(total(counter), durationNs());
  }

  /** Share of guest map calls served by the DTT alone (no exit); 0 when the VM made no map call. */
  public double mapCallsNoExitShare() {
    return Units.ratio(total(WindowMetric.MAP_CALLS_NO_EXIT), total(WindowMetric.MAP_CALLS));
  }

  /** Overcommit headroom the policy leaves at its worst: guest memory minus peak pinned. */
  public long minReclaimableBytes() {
    return guestBytes - peakPinnedBytes();
  }

  /** Overcommit headroom on time average: guest memory minus average pinned. */
  public double avgReclaimableBytes() {
    return guestBytes - avgPinnedBytes();
  }
}
