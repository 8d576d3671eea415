package io.coiommu.processor.engine;

import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every scenario of one VM, side by side on the same events, each with its own state. Events must
 * come in trace order; the emulator runs on their timestamps only.
 *
 * <p>Records follow the {@link WindowClock}; records of one scenario are contiguous. Output order:
 * by span, then scenario in the order given; anomalies as they are found. The snapshot layout is
 * {@link EmulatorSnapshot}'s.
 */
public final class VmEmulator {

  enum Life {
    NOT_STARTED,
    RUNNING,
    STOPPED
  }

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

  // Package-private for EmulatorSnapshot, which writes and reads all of this state.
  final String vm;
  final Policy[] policies;

  /**
   * The policies that pin on device access; empty without one, so accesses cost the others nothing.
   */
  private final Policy[] pinOnAccess;

  final WindowClock clock;
  private final EventChecks checks;
  final MappedPages mapped = new MappedPages();

  /** Shared by the coiommu scenarios; null without one. */
  final DttFootprint footprint;

  final Map<String, IovaTable> devices = new HashMap<>();
  private String lastDevice;
  private IovaTable lastDeviceTable;

  Life life = Life.NOT_STARTED;
  String host = "";
  long guestBytes;
  long lastTs;
  long anomaliesBeforeStart;

  CallKind callKind = CallKind.NONE;
  long callId;
  AccessSource accessSource = AccessSource.MAPS;

  public VmEmulator(String vm, List<Scenario> scenarios, EngineConfig config) {
    if (scenarios.isEmpty()) {
      throw new IllegalArgumentException("no scenario to emulate for VM " + vm);
    }
    this.vm = vm;
    this.policies = new Policy[scenarios.size()];
    this.clock = new WindowClock(config.windowNs(), policies, this::emit);
    this.checks = new EventChecks(vm, policies);
    PolicyContext context = new PolicyContext(config.costs(), mapped);
    for (int i = 0; i < policies.length; i++) {
      policies[i] = scenarios.get(i).create(context);
    }
    this.footprint = context.footprintIfUsed();
    this.pinOnAccess = Arrays.stream(policies).filter(Policy::pinsOnAccess).toArray(Policy[]::new);
  }

  /**
   * Everything this emulator needs to go on exactly where it is, as bytes: the open span's
   * counters, the timers, the LRU lists in order, the iova tables, the per-page tables (present
   * entries only, so the size follows the DMA working set; static pinning adds a constant). {@link
   * #restore} of these bytes fed the rest of a trace emits exactly what this emulator would.
   */
  public byte[] snapshot() {
    return EmulatorSnapshot.toBytes(this);
  }

  /**
   * {@link #snapshot()} into a stream of the caller's (which can then hold other state and reuse
   * its buffer).
   */
  public void writeTo(DataOutput out) throws IOException {
    EmulatorSnapshot.write(this, out);
  }

  /**
   * The emulator a {@link #snapshot()} describes. The scenarios and window must be those it was
   * taken with: state of one scenario set means nothing to another, so a mismatch is refused rather
   * than silently mixed.
   */
  public static VmEmulator restore(
      String vm, List<Scenario> scenarios, EngineConfig config, byte[] snapshot) {
    VmEmulator e = new VmEmulator(vm, scenarios, config);
    EmulatorSnapshot.fromBytes(e, scenarios, snapshot);
    return e;
  }

  /**
   * {@link #restore(String, List, EngineConfig, byte[])} from what {@link #writeTo} wrote to a
   * stream.
   */
  public static VmEmulator restore(
      String vm, List<Scenario> scenarios, EngineConfig config, DataInput in) throws IOException {
    VmEmulator e = new VmEmulator(vm, scenarios, config);
    EmulatorSnapshot.read(e, scenarios, in);
    return e;
  }

  /** True after VM_STOP or {@link #finish}. */
  public boolean finished() {
    return life == Life.STOPPED;
  }

  /**
   * Pages scenario {@code i} has pinned right now (for tests that check invariants after every
   * event).
   */
  long pinnedPages(int i) {
    return policies[i].pinned();
  }

  /** Pages with a live mapping right now. */
  long mappedPages() {
    return mapped.mapped();
  }

  public void onEvent(TraceEvent e, EmulationSink out) {
    EventType type = e.getType();
    if (life == Life.NOT_STARTED) {
      if (type == EventType.VM_START) {
        start(e);
        if (e.getGuestMemoryBytes() <= 0) {
          checks.vmAnomaly(
              out,
              AnomalyReason.BAD_GUEST_MEMORY,
              "guest memory "
                  + e.getGuestMemoryBytes()
                  + " bytes is not positive; the VM starts with 0 bytes",
              e);
        }
      } else {
        anomaliesBeforeStart++;
        checks.uncounted(
            out, AnomalyReason.EVENT_BEFORE_VM_START, type + " before the VM's VM_START", e);
      }
      return;
    }
    if (life == Life.STOPPED) {
      checks.uncounted(
          out,
          AnomalyReason.EVENT_AFTER_VM_STOP,
          type
              + " after the VM stopped at "
              + lastTs
              + " ns; not emulated and not counted in any record",
          e);
      return;
    }
    long ts = e.getTsNs();
    boolean outOfOrder = ts < lastTs;
    if (outOfOrder) {
      ts = lastTs;
    }
    if (type == EventType.VM_STOP) {
      clock.advanceToStop(ts, out);
    } else {
      clock.advanceTo(ts, out);
      clock.markDirty(out);
    }
    lastTs = ts;
    if (outOfOrder) {
      checks.vmAnomaly(
          out,
          AnomalyReason.OUT_OF_ORDER_TIMESTAMP,
          "ts "
              + e.getTsNs()
              + " ns is before the previous event's "
              + ts
              + " ns; emulated at "
              + ts
              + " ns",
          e);
    }
    switch (type) {
      case VM_START:
        checks.vmAnomaly(
            out, AnomalyReason.DUPLICATE_VM_START, "the VM already started; ignored", e);
        break;
      case VM_STOP:
        stop(ts, out);
        break;
      case DMA_MAP:
      case DMA_ALLOC:
        map(e, ts, out);
        break;
      case DMA_UNMAP:
      case DMA_FREE:
        unmap(e, ts, out);
        break;
      case BALLOON_INFLATE:
        callKind = CallKind.NONE;
        balloonInflate(e, ts, out);
        break;
      case BALLOON_DEFLATE:
        // The pages return to the guest unpinned: nothing changes for any policy.
        callKind = CallKind.NONE;
        checks.validBuffer(e, e.getGpa(), e.getBytes(), out);
        break;
      case DMA_ACCESS:
        callKind = CallKind.NONE;
        access(e, ts, out);
        break;
      case IO_PAGE_FAULT:
        callKind = CallKind.NONE;
        for (Policy p : policies) {
          p.add(Counter.IO_PAGE_FAULTS, 1);
        }
        break;
      default:
        callKind = CallKind.NONE;
        checks.vmAnomaly(
            out, AnomalyReason.UNKNOWN_EVENT_TYPE, "event type " + type + " is not emulated", e);
        break;
    }
  }

  /**
   * No event of this VM before {@code ts} will come any more (the processor's watermark): timers
   * due before it fire and the windows that end at or before it are emitted, so a VM that falls
   * silent still gets its windows closed. The same events give the same records whether or not this
   * is called in between (a stop exactly at {@code ts} still ends the window before it).
   */
  public void advanceTime(long ts, EmulationSink out) {
    if (life == Life.RUNNING && ts - 1 > lastTs) {
      clock.advanceTo(ts - 1, out);
    }
  }

  /**
   * An event that arrived after {@link #advanceTime} had passed it: reported, counted, not
   * emulated.
   */
  public void late(TraceEvent e, long frontierNs, EmulationSink out) {
    String detail =
        "ts "
            + e.getTsNs()
            + " ns arrived after trace time had reached "
            + frontierNs
            + " ns; not emulated";
    if (life == Life.RUNNING) {
      checks.vmAnomaly(out, AnomalyReason.LATE_EVENT, detail, e);
    } else {
      checks.uncounted(out, AnomalyReason.LATE_EVENT, detail, e);
    }
  }

  /**
   * End of the trace without VM_STOP: releases everything at the last seen timestamp and emits the
   * last records.
   */
  public void finish(EmulationSink out) {
    if (life == Life.RUNNING) {
      clock.advanceToStop(lastTs, out);
      stop(lastTs, out);
    }
    life = Life.STOPPED;
  }

  private void start(TraceEvent e) {
    life = Life.RUNNING;
    long ts = e.getTsNs();
    host = e.getHost() == null ? "" : e.getHost();
    guestBytes = Math.max(0, e.getGuestMemoryBytes());
    long guestPages = (guestBytes + Policy.PAGE_BYTES - 1) >>> Policy.PAGE_SHIFT;
    lastTs = ts;
    clock.start(ts);
    for (Policy p : policies) {
      p.start(ts, guestPages);
      p.add(Counter.ANOMALIES, anomaliesBeforeStart);
    }
  }

  private void stop(long ts, EmulationSink out) {
    for (Policy p : policies) {
      p.release(ts);
    }
    mapped.clear();
    devices.clear();
    lastDevice = null;
    lastDeviceTable = null;
    clock.stop(ts, out);
    life = Life.STOPPED;
  }

  /** The records of [start, end), one per scenario: {@link WindowClock}'s callback. */
  private void emit(long start, long end, boolean last, EmulationSink out) {
    for (Policy p : policies) {
      out.window(p.closeSpan(vm, host, guestBytes, start, end, last));
    }
    mapped.resetPeak();
  }

  // ---- events ----

  private void map(TraceEvent e, long ts, EmulationSink out) {
    long bytes = e.getBytes();
    Long gpa = e.getGpa();
    if (!checks.validBuffer(e, gpa, bytes, out) || !checks.walkable(e, bytes, guestBytes, out)) {
      return;
    }
    IovaTable table = deviceTable(e.getDevice(), true);
    if (table.find(e.getIova()) >= 0) {
      checks.vmAnomaly(
          out,
          AnomalyReason.DOUBLE_MAP,
          "device "
              + e.getDevice()
              + " already maps iova 0x"
              + Long.toHexString(e.getIova())
              + "; refused as the IOMMU refuses it",
          e);
      return;
    }
    long gfn = EventChecks.firstPage(e);
    long pages = EventChecks.pageCount(e);
    long iovaPage = e.getIova() >>> Policy.PAGE_SHIFT;
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
    table.add(e.getIova(), gpa, bytes);
    if (footprint != null) {
      footprint.touch(gfn, pages);
    }
    boolean newCall = !(e.getCallId() != 0 && callKind == CallKind.MAP && callId == e.getCallId());
    callKind = CallKind.MAP;
    callId = e.getCallId();
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

  private void unmap(TraceEvent e, long ts, EmulationSink out) {
    if (e.getBytes() < 0) {
      checks.vmAnomaly(out, AnomalyReason.BAD_LENGTH, "negative length " + e.getBytes(), e);
      return;
    }
    IovaTable table = deviceTable(e.getDevice(), false);
    int slot = table == null ? -1 : table.find(e.getIova());
    if (slot < 0 && table != null && e.getBytes() > 0 && unmapRange(table, e, ts)) {
      return;
    }
    if (slot < 0) {
      checks.vmAnomaly(
          out,
          AnomalyReason.UNMAP_UNKNOWN_IOVA,
          "device " + e.getDevice() + " has no mapping at iova 0x" + Long.toHexString(e.getIova()),
          e);
      return;
    }
    long gpa = table.gpaAt(slot);
    long bytes = table.bytesAt(slot, e.getIova());
    if ((e.getGpa() != null && e.getGpa() != gpa) || (e.getBytes() > 0 && e.getBytes() != bytes)) {
      checks.vmAnomaly(
          out,
          AnomalyReason.UNMAP_MISMATCH,
          "iova 0x"
              + Long.toHexString(e.getIova())
              + " maps gpa 0x"
              + Long.toHexString(gpa)
              + " for "
              + bytes
              + " bytes; that mapping is unmapped",
          e);
    }
    table.removeAt(slot, e.getIova());
    long gfn = gpa >>> Policy.PAGE_SHIFT;
    long pages = ((gpa + bytes - 1) >>> Policy.PAGE_SHIFT) - gfn + 1;
    long iovaPage = e.getIova() >>> Policy.PAGE_SHIFT;
    mapped.unmap(gfn, pages);
    boolean newCall =
        !(e.getCallId() != 0 && callKind == CallKind.UNMAP && callId == e.getCallId());
    callKind = CallKind.UNMAP;
    callId = e.getCallId();
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
  private boolean unmapRange(IovaTable table, TraceEvent e, long ts) {
    long start = e.getIova();
    long end = start + e.getBytes();
    long[] iovas = table.overlapping(start, end);
    if (iovas.length == 0) {
      return false;
    }
    boolean newCall =
        !(e.getCallId() != 0 && callKind == CallKind.UNMAP && callId == e.getCallId());
    callKind = CallKind.UNMAP;
    callId = e.getCallId();
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

  private void balloonInflate(TraceEvent e, long ts, EmulationSink out) {
    if (!checks.validBuffer(e, e.getGpa(), e.getBytes(), out)) {
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

  private void access(TraceEvent e, long ts, EmulationSink out) {
    accessSource = AccessSource.TRACE;
    if (!checks.validBuffer(e, e.getGpa(), e.getBytes(), out)
        || !checks.walkable(e, e.getBytes(), guestBytes, out)) {
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
