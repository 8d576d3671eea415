package io.coiommu.processor.engine;

import io.coiommu.schema.WindowResult;
import java.util.function.ObjLongConsumer;

/**
 * The counters of a policy's record span, each with the {@link WindowResult} field it fills (as
 * analytics' WindowMetric reads them back). A new counter is one constant here and its field in
 * WindowResult.avsc; the constants' order is the snapshot's, so a new one goes last and comes with
 * a new snapshot format.
 */
enum Counter {
  NOTIFICATIONS(WindowResult::setNotifications),
  EXITS(WindowResult::setExits),
  PINS(WindowResult::setPins),
  UNPINS(WindowResult::setUnpins),
  VFIO_MAPS(WindowResult::setVfioMaps),
  VFIO_UNMAPS(WindowResult::setVfioUnmaps),
  IOTLB_INVALIDATIONS(WindowResult::setIotlbInvalidations),
  MAP_CALLS(WindowResult::setMapCalls),
  MAP_CALLS_NO_EXIT(WindowResult::setMapCallsNoExit),
  IO_PAGE_FAULTS(WindowResult::setIoPageFaults),
  BALLOON_REQUESTED_BYTES(WindowResult::setBalloonRequestedBytes),
  BALLOON_RECLAIMED_BYTES(WindowResult::setBalloonReclaimedBytes),
  BALLOON_REFUSED_BYTES(WindowResult::setBalloonRefusedBytes),
  BOOT_PINNED_PAGES(WindowResult::setBootPinnedPages),
  DMA_SAFETY_VIOLATIONS(WindowResult::setDmaSafetyViolations),
  ANOMALIES(WindowResult::setAnomalies),
  /**
   * LRU list entries examined (coiommu's scan work): no field of its own, charged through the cost
   * model.
   */
  SCAN_VISITS(null);

  static final Counter[] ALL = values();

  private final ObjLongConsumer<WindowResult> field;

  Counter(ObjLongConsumer<WindowResult> field) {
    this.field = field;
  }

  /** Writes {@code value} into this counter's field of {@code r}, if it has one. */
  void set(WindowResult r, long value) {
    if (field != null) {
      field.accept(r, value);
    }
  }
}
