package io.coiommu.processor.engine;

/**
 * Why an event (or a batch of events) made no sense to the emulation. The name is the
 * machine-readable reason of the Anomaly record, so a constant's name is part of the anomaly
 * topic's contract: renaming one breaks its readers.
 */
public enum AnomalyReason {
  /** An event of a VM before its VM_START; it is not emulated. */
  EVENT_BEFORE_VM_START,
  /** An event of a VM after its VM_STOP (or after the end of its trace); it is not emulated. */
  EVENT_AFTER_VM_STOP,
  /** A second VM_START of a running VM; ignored. */
  DUPLICATE_VM_START,
  /**
   * An event whose timestamp is before the previous event's; emulated at the previous timestamp.
   */
  OUT_OF_ORDER_TIMESTAMP,
  /** A map, unmap, access or balloon request of zero or negative length; not emulated. */
  BAD_LENGTH,
  /** A map, alloc or access without a gpa; not emulated. */
  MISSING_GPA,
  /** A buffer outside the 46-bit guest physical address space; not emulated. */
  GPA_OUT_OF_RANGE,
  /**
   * A map of an iova that the device already has mapped; refused as an IOMMU refuses it (-EEXIST).
   */
  DOUBLE_MAP,
  /** An unmap of an iova the device has not mapped; not emulated. */
  UNMAP_UNKNOWN_IOVA,
  /**
   * An unmap whose gpa or length disagrees with the mapping of its iova; the recorded mapping is
   * unmapped.
   */
  UNMAP_MISMATCH,
  /**
   * A map that would push a page past the DTT's 16-bit map count; refused as the guest driver
   * refuses it.
   */
  MAP_COUNT_OVERFLOW,
  /**
   * A device access to a page no live mapping covers (a guest or trace bug, not a pinning failure).
   */
  ACCESS_TO_UNMAPPED_PAGE,
  /**
   * A mapped page that a policy has not pinned, found at a map or a device access: an emulator bug.
   */
  DMA_SAFETY_VIOLATION,
  /**
   * A balloon inflate over pages that are mapped for DMA (reported per scenario, with what the
   * policy did).
   */
  BALLOON_OVER_MAPPED,
  /** A VM_START with zero or negative guest memory; the VM starts with 0 bytes. */
  BAD_GUEST_MEMORY,
  /** An event type the emulation does not know. */
  UNKNOWN_EVENT_TYPE,
  /**
   * An event that came after the processor had moved the VM's trace time past it (out of order
   * beyond the reorder bound, or behind the partition's watermark); not emulated.
   */
  LATE_EVENT,
  /**
   * A batch (or the head of one) the processor has already applied, redelivered after a restart or
   * resent by the producer; the repeated events are skipped so no event is emulated twice.
   */
  BATCH_REPEATED,
  /** A batch sequence or event index past the next expected one: the events between are lost. */
  BATCH_GAP
}
