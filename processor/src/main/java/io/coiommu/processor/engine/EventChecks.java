package io.coiommu.processor.engine;

import io.coiommu.schema.Anomaly;
import java.util.Arrays;

/**
 * The checks an event passes before it is emulated, and the anomalies of one VM: each is reported
 * on the sink and counted in the records of the scenarios it concerns (every scenario for a fault
 * of the trace, one for a fault of that scenario's state).
 */
final class EventChecks {

  /** Exclusive bound of guest physical addresses: 46 bits, x86-64 with 4-level paging. */
  static final long GPA_LIMIT = PageTable.GFN_LIMIT << Policy.PAGE_SHIFT;

  private static final long MAX_SEGMENT_BYTES = 4L << 30;

  private final String vm;
  private final Policy[] policies;

  /** The policies whose safety {@link #checkSafety} must check: those that keep their own pins. */
  private final Policy[] ownPins;

  EventChecks(String vm, Policy[] policies) {
    this.vm = vm;
    this.policies = policies;
    this.ownPins = Arrays.stream(policies).filter(Policy::keepsOwnPins).toArray(Policy[]::new);
  }

  /** The first page of a buffer {@link #validBuffer} accepted. */
  static long firstPage(EventView e) {
    return e.gpa() >>> Policy.PAGE_SHIFT;
  }

  /** The pages a buffer {@link #validBuffer} accepted touches. */
  static long pageCount(EventView e) {
    long gpa = e.gpa();
    return ((gpa + e.bytes() - 1) >>> Policy.PAGE_SHIFT) - (gpa >>> Policy.PAGE_SHIFT) + 1;
  }

  /**
   * Maps and accesses are walked page by page: a buffer larger than the guest (and than 4 GiB, the
   * largest DMA segment drivers use) is a corrupt length, and walking it could take the engine
   * down.
   */
  boolean walkable(EventView e, long bytes, long guestBytes, EmulationSink out) {
    if (bytes > Math.max(guestBytes, MAX_SEGMENT_BYTES)) {
      vmAnomaly(
          out,
          AnomalyReason.BAD_LENGTH,
          "length " + bytes + " is larger than the guest's memory",
          e);
      return false;
    }
    return true;
  }

  /**
   * The event's buffer has a positive length and a gpa, inside the guest physical address space.
   */
  boolean validBuffer(EventView e, EmulationSink out) {
    long bytes = e.bytes();
    if (bytes <= 0) {
      vmAnomaly(out, AnomalyReason.BAD_LENGTH, "length " + bytes + " is not positive", e);
      return false;
    }
    if (!e.hasGpa()) {
      vmAnomaly(out, AnomalyReason.MISSING_GPA, e.type() + " carries no gpa", e);
      return false;
    }
    long gpa = e.gpa();
    if (gpa < 0 || bytes > GPA_LIMIT - gpa) {
      vmAnomaly(
          out,
          AnomalyReason.GPA_OUT_OF_RANGE,
          "gpa 0x"
              + Long.toHexString(gpa)
              + " + "
              + bytes
              + " bytes is outside the 46-bit guest physical address space",
          e);
      return false;
    }
    return true;
  }

  enum SafetyPoint {
    AFTER_MAP,
    AT_ACCESS
  }

  /**
   * The safety invariant after a map or at a device access: no page the device can reach is
   * unpinned, checked against each policy's own state (after a map: every mapped page of the
   * buffer, unless the policy pins on fault).
   */
  void checkSafety(long gfn, long pages, SafetyPoint point, EventView e, EmulationSink out) {
    for (Policy p : ownPins) {
      long bad =
          point == SafetyPoint.AFTER_MAP
              ? p.countUnsafeAfterMap(gfn, pages)
              : p.countMappedUnpinned(gfn, pages);
      if (bad > 0) {
        p.add(Counter.DMA_SAFETY_VIOLATIONS, bad);
        scenarioAnomaly(
            out,
            p,
            AnomalyReason.DMA_SAFETY_VIOLATION,
            bad + " mapped pages are not pinned: an emulator bug",
            e);
      }
    }
  }

  /** A fault of the trace: counted in every scenario's record. */
  void vmAnomaly(EmulationSink out, AnomalyReason reason, String detail, EventView e) {
    for (Policy p : policies) {
      p.add(Counter.ANOMALIES, 1);
    }
    out.anomaly(anomaly("", reason, detail, e));
  }

  /** A fault that concerns one scenario: counted in its record only. */
  void scenarioAnomaly(
      EmulationSink out, Policy p, AnomalyReason reason, String detail, EventView e) {
    p.add(Counter.ANOMALIES, 1);
    out.anomaly(anomaly(p.scenario.name(), reason, detail, e));
  }

  /**
   * An anomaly outside the VM's life: no record counts it (those before VM_START are counted at the
   * start).
   */
  void uncounted(EmulationSink out, AnomalyReason reason, String detail, EventView e) {
    out.anomaly(anomaly("", reason, detail, e));
  }

  private Anomaly anomaly(String scenario, AnomalyReason reason, String detail, EventView e) {
    return new Anomaly(vm, scenario, reason.name(), detail, e.toRecord());
  }
}
