package io.coiommu.analytics;

import io.coiommu.schema.WindowResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The VMs of one scenario that run on one host, or the whole fleet: per-window sums over its VMs
 * and run totals.
 *
 * <p>Peak pinned memory of a group is the peak of the group-wide sum over aligned windows (the sum
 * of its VMs' in-window peaks, an upper bound of the instantaneous peak that is exact when the VMs
 * peak in the same window), not the sum of the VMs' own peaks, which may fall at different times.
 */
public final class VmGroup {

  private final String name;
  private final WindowSeries series;
  private final List<VmRun> vms = new ArrayList<>();

  VmGroup(String name, long windowNanos) {
    this.name = name;
    this.series = WindowSeries.allMetrics(windowNanos);
  }

  void join(VmRun vm) {
    vms.add(vm);
  }

  void add(WindowResult r) {
    series.add(r);
  }

  /** Host name, or "fleet". */
  public String name() {
    return name;
  }

  public WindowSeries series() {
    return series;
  }

  public List<VmRun> vms() {
    return Collections.unmodifiableList(vms);
  }

  public long startNs() {
    return vms.stream().mapToLong(VmRun::startNs).min().orElse(0);
  }

  public long endNs() {
    return vms.stream().mapToLong(VmRun::endNs).max().orElse(0);
  }

  /** Trace time from the first VM's start to the last VM's end. */
  public long durationNs() {
    return endNs() - startNs();
  }

  /**
   * Sum over the group's VMs of a counter's run total (of a gauge: of the latest values; of a peak:
   * the peak per-window sum).
   */
  public long total(WindowMetric m) {
    if (m.kind() == WindowMetric.Kind.PEAK) {
      return Math.round(series.max(m));
    }
    return vms.stream().mapToLong(v -> v.total(m)).sum();
  }

  /** Sum over the group's VMs of an integral's run total. */
  public double integral(WindowMetric m) {
    return vms.stream().mapToDouble(v -> v.integral(m)).sum();
  }

  public long guestBytes() {
    return vms.stream().mapToLong(VmRun::guestBytes).sum();
  }

  /** Peak over aligned windows of the group-wide pinned sum (see the class comment). */
  public long peakPinnedBytes() {
    return Math.round(series.max(WindowMetric.PEAK_PINNED_PAGES)) * Units.PAGE_BYTES;
  }

  /** Time-weighted average of the group-wide pinned sum over the group's span of trace time. */
  public double avgPinnedBytes() {
    return Units.ratio(integral(WindowMetric.PINNED_PAGE_NANOS) * Units.PAGE_BYTES, durationNs());
  }

  /** Peak pinned as a share of the group's guest memory (the sum over its VMs). */
  public double peakPinnedShare() {
    return Units.ratio(peakPinnedBytes(), guestBytes());
  }

  /**
   * Average pinned as a share of the guest memory alive at the time: pinned memory-time over guest
   * memory-time, so a VM that lived briefly weighs briefly.
   */
  public double avgPinnedShare() {
    return Units.ratio(
        integral(WindowMetric.PINNED_PAGE_NANOS) * Units.PAGE_BYTES,
        integral(WindowMetric.GUEST_BYTE_NANOS));
  }

  /** A counter per second of the group's span of trace time. */
  public double perSecond(WindowMetric counter) {
    return Units.perSecond(total(counter), durationNs());
  }

  public double mapCallsNoExitShare() {
    return Units.ratio(total(WindowMetric.MAP_CALLS_NO_EXIT), total(WindowMetric.MAP_CALLS));
  }

  /**
   * Overcommit headroom if the group's peak pinned memory stayed pinned: the guest memory of its
   * VMs minus its peak. A per-window minimum would mislead: it is least where fewest VMs live.
   */
  public long minReclaimableBytes() {
    return guestBytes() - peakPinnedBytes();
  }

  /** Time-weighted average headroom: guest memory-time minus pinned memory-time, over the span. */
  public double avgReclaimableBytes() {
    return Units.ratio(
        integral(WindowMetric.GUEST_BYTE_NANOS)
            - integral(WindowMetric.PINNED_PAGE_NANOS) * Units.PAGE_BYTES,
        durationNs());
  }
}
