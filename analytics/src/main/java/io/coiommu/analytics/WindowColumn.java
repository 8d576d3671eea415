package io.coiommu.analytics;

import static io.coiommu.analytics.VmColumn.decimal;

import java.util.List;

/**
 * A per-window figure of a VM, host or fleet series: timeseries.csv, summary.json and the charts
 * share these names. Pages become bytes; counters also become rates per second of the window.
 */
public record WindowColumn(String name, WindowMetric metric, Unit unit) {

  /** How a window's raw metric turns into the column's value. */
  public enum Unit {
    COUNT,
    PAGES_AS_BYTES,
    PER_SECOND,
    /** An integral of pages over the window, as time-weighted average bytes. */
    AVERAGE_BYTES,
    /** Live guest memory minus the pinned gauge. */
    RECLAIMABLE_BYTES
  }

  public static final List<WindowColumn> ALL =
      List.of(
          new WindowColumn("live_vms", WindowMetric.LIVE_VMS, Unit.COUNT),
          new WindowColumn("guest_bytes", WindowMetric.GUEST_BYTES, Unit.COUNT),
          new WindowColumn("pinned_bytes", WindowMetric.PINNED_PAGES, Unit.PAGES_AS_BYTES),
          new WindowColumn(
              "peak_pinned_bytes", WindowMetric.PEAK_PINNED_PAGES, Unit.PAGES_AS_BYTES),
          new WindowColumn("avg_pinned_bytes", WindowMetric.PINNED_PAGE_NANOS, Unit.AVERAGE_BYTES),
          new WindowColumn("reclaimable_bytes", WindowMetric.PINNED_PAGES, Unit.RECLAIMABLE_BYTES),
          new WindowColumn("mapped_bytes", WindowMetric.MAPPED_PAGES, Unit.PAGES_AS_BYTES),
          new WindowColumn(
              "peak_mapped_bytes", WindowMetric.PEAK_MAPPED_PAGES, Unit.PAGES_AS_BYTES),
          new WindowColumn("notifications", WindowMetric.NOTIFICATIONS, Unit.COUNT),
          new WindowColumn("notifications_per_s", WindowMetric.NOTIFICATIONS, Unit.PER_SECOND),
          new WindowColumn("exits", WindowMetric.EXITS, Unit.COUNT),
          new WindowColumn("exits_per_s", WindowMetric.EXITS, Unit.PER_SECOND),
          new WindowColumn("pins", WindowMetric.PINS, Unit.COUNT),
          new WindowColumn("unpins", WindowMetric.UNPINS, Unit.COUNT),
          new WindowColumn("vfio_maps", WindowMetric.VFIO_MAPS, Unit.COUNT),
          new WindowColumn("vfio_unmaps", WindowMetric.VFIO_UNMAPS, Unit.COUNT),
          new WindowColumn("iotlb_invalidations", WindowMetric.IOTLB_INVALIDATIONS, Unit.COUNT),
          new WindowColumn("map_calls", WindowMetric.MAP_CALLS, Unit.COUNT),
          new WindowColumn("map_calls_no_exit", WindowMetric.MAP_CALLS_NO_EXIT, Unit.COUNT),
          new WindowColumn("io_page_faults", WindowMetric.IO_PAGE_FAULTS, Unit.COUNT),
          new WindowColumn(
              "balloon_requested_bytes", WindowMetric.BALLOON_REQUESTED_BYTES, Unit.COUNT),
          new WindowColumn(
              "balloon_reclaimed_bytes", WindowMetric.BALLOON_RECLAIMED_BYTES, Unit.COUNT),
          new WindowColumn("balloon_refused_bytes", WindowMetric.BALLOON_REFUSED_BYTES, Unit.COUNT),
          new WindowColumn("dtt_bytes", WindowMetric.DTT_BYTES, Unit.COUNT),
          new WindowColumn(
              "boot_pinned_bytes", WindowMetric.BOOT_PINNED_PAGES, Unit.PAGES_AS_BYTES),
          new WindowColumn("cpu_cost_ns", WindowMetric.CPU_COST_NS, Unit.COUNT),
          new WindowColumn("cpu_cost_ns_per_s", WindowMetric.CPU_COST_NS, Unit.PER_SECOND),
          new WindowColumn("dma_safety_violations", WindowMetric.DMA_SAFETY_VIOLATIONS, Unit.COUNT),
          new WindowColumn("anomalies", WindowMetric.ANOMALIES, Unit.COUNT));

  /** Whether the series keeps what this column needs (a VM's series keeps only a few metrics). */
  public boolean availableIn(WindowSeries s) {
    return s.keeps(metric) && (unit != Unit.RECLAIMABLE_BYTES || s.keeps(WindowMetric.GUEST_BYTES));
  }

  /** The value in window w of the series; a number, plain for CSV and JSON alike. */
  public Number of(WindowSeries s, long w) {
    double raw = s.get(metric, w);
    return switch (unit) {
      case COUNT -> Math.round(raw);
      case PAGES_AS_BYTES -> Math.round(raw) * Units.PAGE_BYTES;
      case PER_SECOND -> decimal(raw / Units.seconds(s.windowNanos()));
      case AVERAGE_BYTES -> Math.round(raw * Units.PAGE_BYTES / s.windowNanos());
      case RECLAIMABLE_BYTES ->
          Math.round(s.get(WindowMetric.GUEST_BYTES, w) - raw * Units.PAGE_BYTES);
    };
  }
}
