package io.coiommu.analytics;

import static io.coiommu.analytics.VmColumn.decimal;

import java.util.List;
import java.util.function.Function;

/**
 * A run figure of a host or of the fleet under one scenario: summary.json and the report's tables
 * share these names.
 */
public record GroupColumn(String name, Function<VmGroup, Object> value) {

  public static final List<GroupColumn> ALL =
      List.of(
          new GroupColumn("name", VmGroup::name),
          new GroupColumn("vms", g -> g.vms().size()),
          new GroupColumn("guest_bytes", VmGroup::guestBytes),
          new GroupColumn("duration_s", g -> decimal(Units.seconds(g.durationNs()))),
          new GroupColumn("peak_pinned_bytes", VmGroup::peakPinnedBytes),
          new GroupColumn("peak_pinned_pct", g -> decimal(100 * g.peakPinnedShare())),
          new GroupColumn("avg_pinned_bytes", g -> Math.round(g.avgPinnedBytes())),
          new GroupColumn("avg_pinned_pct", g -> decimal(100 * g.avgPinnedShare())),
          new GroupColumn("notifications", total(WindowMetric.NOTIFICATIONS)),
          new GroupColumn("notifications_per_s", rate(WindowMetric.NOTIFICATIONS)),
          new GroupColumn("exits", total(WindowMetric.EXITS)),
          new GroupColumn("exits_per_s", rate(WindowMetric.EXITS)),
          new GroupColumn("pins", total(WindowMetric.PINS)),
          new GroupColumn("unpins", total(WindowMetric.UNPINS)),
          new GroupColumn("vfio_maps", total(WindowMetric.VFIO_MAPS)),
          new GroupColumn("vfio_unmaps", total(WindowMetric.VFIO_UNMAPS)),
          new GroupColumn("iotlb_invalidations", total(WindowMetric.IOTLB_INVALIDATIONS)),
          new GroupColumn("map_calls", total(WindowMetric.MAP_CALLS)),
          new GroupColumn("map_calls_no_exit_pct", g -> decimal(100 * g.mapCallsNoExitShare())),
          new GroupColumn("io_page_faults", total(WindowMetric.IO_PAGE_FAULTS)),
          new GroupColumn("balloon_requested_bytes", total(WindowMetric.BALLOON_REQUESTED_BYTES)),
          new GroupColumn("balloon_reclaimed_bytes", total(WindowMetric.BALLOON_RECLAIMED_BYTES)),
          new GroupColumn("balloon_refused_bytes", total(WindowMetric.BALLOON_REFUSED_BYTES)),
          new GroupColumn("end_dtt_bytes", total(WindowMetric.DTT_BYTES)),
          new GroupColumn(
              "boot_pinned_bytes", g -> g.total(WindowMetric.BOOT_PINNED_PAGES) * Units.PAGE_BYTES),
          new GroupColumn("cpu_cost_ns", total(WindowMetric.CPU_COST_NS)),
          new GroupColumn("cpu_cost_ns_per_s", rate(WindowMetric.CPU_COST_NS)),
          new GroupColumn("min_reclaimable_bytes", VmGroup::minReclaimableBytes),
          new GroupColumn("avg_reclaimable_bytes", g -> Math.round(g.avgReclaimableBytes())),
          new GroupColumn("dma_safety_violations", total(WindowMetric.DMA_SAFETY_VIOLATIONS)),
          new GroupColumn("anomalies", total(WindowMetric.ANOMALIES)));

  public Object of(VmGroup group) {
    return value.apply(group);
  }

  private static Function<VmGroup, Object> total(WindowMetric m) {
    return g -> g.total(m);
  }

  private static Function<VmGroup, Object> rate(WindowMetric m) {
    return g -> decimal(g.perSecond(m));
  }
}
