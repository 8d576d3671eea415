package io.coiommu.processor.engine;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The events of a running VM that go through its DMA mappings (map, unmap, device access, balloon
 * inflate): checked against the iova tables of its devices and its mapped pages, then handed to
 * every policy as page ranges. Consecutive events with one call id are one guest call, so a policy
 * pays a call's fixed cost once (docs/traces.md).
 */
final class DmaEvents {

  enum CallKind {
    NONE,
    MAP,
    UNMAP
  }

  /**
   * What tells a policy that pins on fault that a device reached a page. A trace without DMA_ACCESS
   * events (the kernel traces, older synthetic ones) stands for its accesses with its maps: each
   * mapped page is accessed once at its map. From a VM's first DMA_ACCESS on, the trace says when
   * devices access pages, and maps no longer count.
   */
  enum AccessSource {
    MAPS,
    TRACE
  }

  private final Policy[] policies;

  /**
   * The policies that pin on device access; empty without one, so accesses cost the others nothing.
   */
  private final Policy[] pinOnAccess;

  private final EventChecks checks;
  private final MappedPages mapped;

  /** Shared by the coiommu scenarios; null without one. */
  private final DttFootprint footprint;

  // Package-private for EmulatorSnapshot, which writes and reads all of this state.
  final Map<String, IovaTable> devices = new HashMap<>();
  private String lastDevice;
  private IovaTable lastDeviceTable;

  CallKind callKind = CallKind.NONE;
  long callId;
  AccessSource accessSource = AccessSource.MAPS;

  DmaEvents(Policy[] policies, EventChecks checks, MappedPages mapped, DttFootprint footprint) {
    this.policies = policies;
    this.pinOnAccess = Arrays.stream(policies).filter(Policy::pinsOnAccess).toArray(Policy[]::new);
    this.checks = checks;
    this.mapped = mapped;
    this.footprint = footprint;
  }

  /** An event that is no map or unmap ends the guest call in progress. */
  void endCall() {
    callKind = CallKind.NONE;
  }

  /**
   * Whether an event of this kind and call id starts a new guest call: call id 0 means the trace
   * does not group calls, so each such event is a call of its own.
   */
  private boolean beginsCall(CallKind kind, long id) {
    boolean sameCall = id != 0 && callKind == kind && callId == id;
    callKind = kind;
    callId = id;
    return !sameCall;
  }

  /** The VM stopped: its devices map nothing any more. */
  void clearDevices() {
    devices.clear();
    lastDevice = null;
    lastDeviceTable = null;
  }

  void map(EventView e, long ts, long guestBytes, EmulationSink out) {
    long bytes = e.bytes();
    if (!checks.validBuffer(e, out) || !checks.walkable(e, bytes, guestBytes, out)) {
      return;
    }
    long gpa = e.gpa();
    long iova = e.iova();
    IovaTable table = deviceTable(e.device(), true);
    if (table.find(iova) >= 0) {
      checks.vmAnomaly(
          out,
          AnomalyReason.DOUBLE_MAP,
          "device "
              + e.device()
              + " already maps iova 0x"
              + Long.toHexString(iova)
              + "; refused as the IOMMU refuses it",
          e);
      return;
    }
    long gfn = EventChecks.firstPage(e);
    long pages = EventChecks.pageCount(e);
    long iovaPage = iova >>> Policy.PAGE_SHIFT;
    if (!mapped.map(gfn, pages)) {
      checks.vmAnomaly(
          out,
          AnomalyReason.MAP_COUNT_OVERFLOW,
          "a page would have more than "
              + MappedPages.MAX_MAP_COUNT
              + " live mappings; refused as the guest driver refuses it",
          e);
      return;
    }
    table.add(iova, gpa, bytes);
    if (footprint != null) {
      footprint.touch(gfn, pages);
    }
    boolean newCall = beginsCall(CallKind.MAP, e.callId());
    for (Policy p : policies) {
      if (newCall) {
        p.beginMapCall(ts);
      }
      p.mapRange(ts, iovaPage, gfn, pages);
    }
    if (accessSource == AccessSource.MAPS) {
      for (Policy p : pinOnAccess) {
        p.access(ts, gfn, pages);
      }
    }
    checks.checkSafety(gfn, pages, EventChecks.SafetyPoint.AFTER_MAP, e, out);
  }

  void unmap(EventView e, long ts, EmulationSink out) {
    long iova = e.iova();
    if (e.bytes() < 0) {
      checks.vmAnomaly(out, AnomalyReason.BAD_LENGTH, "negative length " + e.bytes(), e);
      return;
    }
    IovaTable table = deviceTable(e.device(), false);
    int slot = table == null ? -1 : table.find(iova);
    if (slot < 0 && table != null && e.bytes() > 0 && unmapRange(table, e, ts)) {
      return;
    }
    if (slot < 0) {
      checks.vmAnomaly(
          out,
          AnomalyReason.UNMAP_UNKNOWN_IOVA,
          "device " + e.device() + " has no mapping at iova 0x" + Long.toHexString(iova),
          e);
      return;
    }
    long gpa = table.gpaAt(slot);
    long bytes = table.bytesAt(slot, iova);
    if ((e.hasGpa() && e.gpa() != gpa) || (e.bytes() > 0 && e.bytes() != bytes)) {
      checks.vmAnomaly(
          out,
          AnomalyReason.UNMAP_MISMATCH,
          "iova 0x"
              + Long.toHexString(iova)
              + " maps gpa 0x"
              + Long.toHexString(gpa)
              + " for "
              + bytes
              + " bytes; that mapping is unmapped",
          e);
    }
    table.removeAt(slot, iova);
    long gfn = gpa >>> Policy.PAGE_SHIFT;
    long pages = ((gpa + bytes - 1) >>> Policy.PAGE_SHIFT) - gfn + 1;
    long iovaPage = iova >>> Policy.PAGE_SHIFT;
    mapped.unmap(gfn, pages);
    boolean newCall = beginsCall(CallKind.UNMAP, e.callId());
    for (Policy p : policies) {
      if (newCall) {
        p.beginUnmapCall(ts);
      }
      p.unmapRange(ts, iovaPage, gfn, pages);
    }
  }

  /**
   * An unmap by range, as the IOMMU API's {@code iommu_unmap} is (docs/traces.md): it unmaps
   * exactly the part of each mapping inside [iova, iova + bytes), one guest call for all of them,
   * and keeps the rest of a mapping it covers in part as a mapping of its own. A page the kept part
   * still holds stays mapped. Reached only when no mapping starts at the iova: one that does is the
   * hash hit, unmapped whole (with UNMAP_MISMATCH when the lengths differ), as before; false when
   * the range overlaps no mapping (an unknown unmap).
   */
  private boolean unmapRange(IovaTable table, EventView e, long ts) {
    long start = e.iova();
    long end = start + e.bytes();
    long[] iovas = table.overlapping(start, end);
    if (iovas.length == 0) {
      return false;
    }
    boolean newCall = beginsCall(CallKind.UNMAP, e.callId());
    if (newCall) {
      for (Policy p : policies) {
        p.beginUnmapCall(ts);
      }
    }
    for (long iova : iovas) {
      int slot = table.find(iova);
      long gpa = table.gpaAt(slot);
      long bytes = table.bytesAt(slot, iova);
      long lo = Math.max(iova, start);
      long hi = Math.min(iova + bytes, end);
      table.removeAt(slot, iova);
      if (lo > iova) {
        table.add(iova, gpa, lo - iova);
      }
      if (hi < iova + bytes) {
        table.add(hi, gpa + (hi - iova), iova + bytes - hi);
      }
      long from = gpa + (lo - iova);
      long to = gpa + (hi - iova);
      long first = from >>> Policy.PAGE_SHIFT;
      if (lo > iova && (from & (Policy.PAGE_BYTES - 1)) != 0) {
        first++;
      }
      long last = (to - 1) >>> Policy.PAGE_SHIFT;
      if (hi < iova + bytes && (to & (Policy.PAGE_BYTES - 1)) != 0) {
        last--;
      }
      if (last >= first) {
        // The IOVA and the guest address share their offset in the page.
        long iovaFirst = (lo >>> Policy.PAGE_SHIFT) + (first - (from >>> Policy.PAGE_SHIFT));
        mapped.unmap(first, last - first + 1);
        for (Policy p : policies) {
          p.unmapRange(ts, iovaFirst, first, last - first + 1);
        }
      }
    }
    return true;
  }

  void balloonInflate(EventView e, long ts, EmulationSink out) {
    if (!checks.validBuffer(e, out)) {
      return;
    }
    long gfn = EventChecks.firstPage(e);
    long pages = EventChecks.pageCount(e);
    long mappedInRange = mapped.pages().count(gfn, gfn + pages);
    for (Policy p : policies) {
      long refused = p.balloonInflate(ts, gfn, pages);
      if (mappedInRange > 0) {
        checks.scenarioAnomaly(
            out,
            p,
            AnomalyReason.BALLOON_OVER_MAPPED,
            mappedInRange
                + " of "
                + pages
                + " pages are mapped for DMA; this scenario refused "
                + refused
                + " of "
                + pages * Policy.PAGE_BYTES
                + " bytes",
            e);
      }
    }
  }

  void access(EventView e, long ts, long guestBytes, EmulationSink out) {
    accessSource = AccessSource.TRACE;
    if (!checks.validBuffer(e, out) || !checks.walkable(e, e.bytes(), guestBytes, out)) {
      return;
    }
    long gfn = EventChecks.firstPage(e);
    long pages = EventChecks.pageCount(e);
    long unmapped = pages - mapped.pages().count(gfn, gfn + pages);
    if (unmapped > 0) {
      checks.vmAnomaly(
          out,
          AnomalyReason.ACCESS_TO_UNMAPPED_PAGE,
          unmapped + " of " + pages + " pages have no live mapping",
          e);
    }
    for (Policy p : pinOnAccess) {
      p.access(ts, gfn, pages);
    }
    checks.checkSafety(gfn, pages, EventChecks.SafetyPoint.AT_ACCESS, e, out);
  }

  private IovaTable deviceTable(String device, boolean create) {
    String d = device == null ? "" : device;
    if (d.equals(lastDevice)) {
      return lastDeviceTable;
    }
    IovaTable t = devices.get(d);
    if (t == null) {
      if (!create) {
        return null;
      }
      t = new IovaTable();
      devices.put(d, t);
    }
    lastDevice = d;
    lastDeviceTable = t;
    return t;
  }
}
