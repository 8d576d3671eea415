package io.coiommu.analytics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.function.Function;

/**
 * A column of the per-(scenario, VM) summary: summary.csv and summary.json share these names. The
 * first ten names are a published contract and never change meaning.
 */
public record VmColumn(String name, Function<VmRun, Object> value) {

  public static final List<VmColumn> ALL =
      List.of(
          new VmColumn("scenario", VmRun::scenario),
          new VmColumn("vm", VmRun::vm),
          new VmColumn("guest_bytes", VmRun::guestBytes),
          new VmColumn("peak_pinned_bytes", VmRun::peakPinnedBytes),
          new VmColumn("avg_pinned_bytes", v -> Math.round(v.avgPinnedBytes())),
          new VmColumn("notifications", total(WindowMetric.NOTIFICATIONS)),
          new VmColumn("exits", total(WindowMetric.EXITS)),
          new VmColumn("pins", total(WindowMetric.PINS)),
          new VmColumn("unpins", total(WindowMetric.UNPINS)),
          new VmColumn("dma_safety_violations", total(WindowMetric.DMA_SAFETY_VIOLATIONS)),
          new VmColumn("host", VmRun::host),
          new VmColumn("start_ns", VmRun::startNs),
          new VmColumn("end_ns", VmRun::endNs),
          new VmColumn("duration_s", v -> decimal(Units.seconds(v.durationNs()))),
          new VmColumn("complete", VmRun::sawLast),
          new VmColumn("peak_pinned_pct", v -> decimal(100 * v.peakPinnedShare())),
          new VmColumn("avg_pinned_pct", v -> decimal(100 * v.avgPinnedShare())),
          new VmColumn("end_pinned_bytes", VmRun::pinnedBytesNow),
          new VmColumn(
              "peak_mapped_bytes", v -> v.total(WindowMetric.PEAK_MAPPED_PAGES) * Units.PAGE_BYTES),
          new VmColumn(
              "end_mapped_bytes", v -> v.total(WindowMetric.MAPPED_PAGES) * Units.PAGE_BYTES),
          new VmColumn("notifications_per_s", rate(WindowMetric.NOTIFICATIONS)),
          new VmColumn("exits_per_s", rate(WindowMetric.EXITS)),
          new VmColumn("pins_per_s", rate(WindowMetric.PINS)),
          new VmColumn("unpins_per_s", rate(WindowMetric.UNPINS)),
          new VmColumn("vfio_maps", total(WindowMetric.VFIO_MAPS)),
          new VmColumn("vfio_unmaps", total(WindowMetric.VFIO_UNMAPS)),
          new VmColumn("iotlb_invalidations", total(WindowMetric.IOTLB_INVALIDATIONS)),
          new VmColumn("map_calls", total(WindowMetric.MAP_CALLS)),
          new VmColumn("map_calls_no_exit", total(WindowMetric.MAP_CALLS_NO_EXIT)),
          new VmColumn("map_calls_no_exit_pct", v -> decimal(100 * v.mapCallsNoExitShare())),
          new VmColumn("io_page_faults", total(WindowMetric.IO_PAGE_FAULTS)),
          new VmColumn("balloon_requested_bytes", total(WindowMetric.BALLOON_REQUESTED_BYTES)),
          new VmColumn("balloon_reclaimed_bytes", total(WindowMetric.BALLOON_RECLAIMED_BYTES)),
          new VmColumn("balloon_refused_bytes", total(WindowMetric.BALLOON_REFUSED_BYTES)),
          new VmColumn("end_dtt_bytes", total(WindowMetric.DTT_BYTES)),
          new VmColumn("peak_dtt_bytes", VmRun::maxDttBytes),
          new VmColumn(
              "boot_pinned_bytes", v -> v.total(WindowMetric.BOOT_PINNED_PAGES) * Units.PAGE_BYTES),
          new VmColumn("cpu_cost_ns", total(WindowMetric.CPU_COST_NS)),
          new VmColumn("cpu_cost_ns_per_s", rate(WindowMetric.CPU_COST_NS)),
          new VmColumn("min_reclaimable_bytes", VmRun::minReclaimableBytes),
          new VmColumn("avg_reclaimable_bytes", v -> Math.round(v.avgReclaimableBytes())),
          new VmColumn("anomalies", total(WindowMetric.ANOMALIES)));

  public Object of(VmRun vm) {
    return value.apply(vm);
  }

  private static Function<VmRun, Object> total(WindowMetric m) {
    return v -> v.total(m);
  }

  private static Function<VmRun, Object> rate(WindowMetric m) {
    return v -> decimal(v.perSecond(m));
  }

  /**
   * Fixed-point with at most 4 decimals, never exponent notation: readable by spreadsheets and
   * humans alike.
   */
  static BigDecimal decimal(double x) {
    if (!Double.isFinite(x)) {
      return BigDecimal.ZERO;
    }
    BigDecimal d = BigDecimal.valueOf(x).setScale(4, RoundingMode.HALF_EVEN).stripTrailingZeros();
    return d.signum() == 0 ? BigDecimal.ZERO : d;
  }
}
