package io.coiommu.analytics;

import io.coiommu.schema.WindowResult;
import java.util.function.ToDoubleFunction;

/**
 * One figure a {@link WindowResult} carries (or that follows from it), with the rule that folds it
 * over time and sums it over VMs. Every figure is additive across VMs, which is what lets host and
 * fleet totals be kept per window without keeping every VM's series.
 */
public enum WindowMetric {
  GUEST_BYTES(Kind.GAUGE, WindowResult::getGuestBytes),
  /**
   * Alive guest memory integrated over time: the denominator of time-weighted "% of guest memory".
   */
  GUEST_BYTE_NANOS(Kind.INTEGRAL, r -> (double) r.getGuestBytes() * spanNanos(r)),
  /** 1 in each window a VM was alive in: summed over VMs, the number of live VMs. */
  LIVE_VMS(Kind.PEAK, r -> 1),
  PINNED_PAGES(Kind.GAUGE, WindowResult::getPinnedPages),
  PEAK_PINNED_PAGES(Kind.PEAK, WindowResult::getPeakPinnedPages),
  PINNED_PAGE_NANOS(Kind.INTEGRAL, WindowResult::getPinnedPageNanos),
  MAPPED_PAGES(Kind.GAUGE, WindowResult::getMappedPages),
  PEAK_MAPPED_PAGES(Kind.PEAK, WindowResult::getPeakMappedPages),
  NOTIFICATIONS(Kind.COUNTER, WindowResult::getNotifications),
  EXITS(Kind.COUNTER, WindowResult::getExits),
  PINS(Kind.COUNTER, WindowResult::getPins),
  UNPINS(Kind.COUNTER, WindowResult::getUnpins),
  VFIO_MAPS(Kind.COUNTER, WindowResult::getVfioMaps),
  VFIO_UNMAPS(Kind.COUNTER, WindowResult::getVfioUnmaps),
  IOTLB_INVALIDATIONS(Kind.COUNTER, WindowResult::getIotlbInvalidations),
  MAP_CALLS(Kind.COUNTER, WindowResult::getMapCalls),
  MAP_CALLS_NO_EXIT(Kind.COUNTER, WindowResult::getMapCallsNoExit),
  IO_PAGE_FAULTS(Kind.COUNTER, WindowResult::getIoPageFaults),
  BALLOON_REQUESTED_BYTES(Kind.COUNTER, WindowResult::getBalloonRequestedBytes),
  BALLOON_RECLAIMED_BYTES(Kind.COUNTER, WindowResult::getBalloonReclaimedBytes),
  BALLOON_REFUSED_BYTES(Kind.COUNTER, WindowResult::getBalloonRefusedBytes),
  DTT_BYTES(Kind.GAUGE, WindowResult::getDttBytes),
  BOOT_PINNED_PAGES(Kind.COUNTER, WindowResult::getBootPinnedPages),
  CPU_COST_NS(Kind.COUNTER, WindowResult::getCpuCostNs),
  DMA_SAFETY_VIOLATIONS(Kind.COUNTER, WindowResult::getDmaSafetyViolations),
  ANOMALIES(Kind.COUNTER, WindowResult::getAnomalies);

  /**
   * How a figure behaves when a record spans several windows and when several records make a run.
   */
  public enum Kind {
    /** Counts events inside the span: summed over time. */
    COUNTER,
    /** Read at the end of the span: the latest value wins; constant over an idle stretch. */
    GAUGE,
    /** Maximum inside the span: the max wins. */
    PEAK,
    /** Exact integral over the span: summed, split over windows in proportion to their overlap. */
    INTEGRAL
  }

  private final Kind kind;
  private final ToDoubleFunction<WindowResult> reader;

  WindowMetric(Kind kind, ToDoubleFunction<WindowResult> reader) {
    this.kind = kind;
    this.reader = reader;
  }

  public Kind kind() {
    return kind;
  }

  /**
   * The figure as a double: integrals overflow a long quickly (a fully pinned 32 GiB guest passes
   * 2^63 page-nanoseconds in 18 minutes), and a double is exact for every count below 2^53.
   */
  public double read(WindowResult r) {
    return reader.applyAsDouble(r);
  }

  static long spanNanos(WindowResult r) {
    return r.getWindowEndNs() - r.getWindowStartNs();
  }
}
