package io.coiommu.processor.engine;

import io.coiommu.schema.Anomaly;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every scenario of one VM, side by side on the same events, each with its own state. Events must come in trace
 * order; the emulator runs on their timestamps only.
 *
 * <p>Records: windows are aligned to multiples of the window size of absolute trace time (the first starts at
 * VM_START). A window in which something happened gets its own record per scenario; consecutive windows in which
 * nothing happened (no event, no timer with work) are covered by one record. Records of one scenario are contiguous.
 * Timers (viommu-lazy's flush, coiommu's LRU scans) fire on trace time before any event at or after their due time.
 * Output order: by span, then scenario in the order given; anomalies as they are found.
 */
public final class VmEmulator {

  /** Exclusive bound of guest physical addresses: 46 bits, x86-64 with 4-level paging. */
  static final long GPA_LIMIT = PageTable.GFN_LIMIT << Policy.PAGE_SHIFT;
  private static final long MAX_SEGMENT_BYTES = 4L << 30;
  /** Version of the {@link #snapshot()} layout; a restore refuses any other but the previous one. */
  private static final int SNAPSHOT_FORMAT = 4;
  /** Format 3: no {@link AccessSource}. Its scenarios never pin on access, so it restores as {@code MAPS}. */
  private static final int SNAPSHOT_FORMAT_NO_ACCESSES = 3;

  private enum Life { NOT_STARTED, RUNNING, STOPPED }

  private enum CallKind { NONE, MAP, UNMAP }

  /**
   * What tells a policy that pins on fault that a device reached a page. A trace without DMA_ACCESS events (the
   * kernel traces, older synthetic ones) stands for its accesses with its maps: each mapped page is accessed once at
   * its map. From a VM's first DMA_ACCESS on, the trace says when devices access pages, and maps no longer count.
   */
  private enum AccessSource { MAPS, TRACE }

  private final String vm;
  private final long windowNs;
  private final Policy[] policies;
  private final MappedPages mapped = new MappedPages();
  /** Shared by the coiommu scenarios; null without one. */
  private final DttFootprint footprint;
  private final Map<String, IovaTable> devices = new HashMap<>();
  private String lastDevice;
  private IovaTable lastDeviceTable;

  private Life life = Life.NOT_STARTED;
  private String host = "";
  private long guestBytes;
  private long lastTs;
  private long anomaliesBeforeStart;

  /** Start of the trace time not yet covered by a record. */
  private long spanStart;
  private long windowStart;
  private long windowEnd;
  /** Whether anything happened in [windowStart, windowEnd). */
  private boolean dirty;

  private CallKind callKind = CallKind.NONE;
  private long callId;
  private AccessSource accessSource = AccessSource.MAPS;

  public VmEmulator(String vm, List<Scenario> scenarios, EngineConfig config) {
    if (scenarios.isEmpty()) {
      throw new IllegalArgumentException("no scenario to emulate for VM " + vm);
    }
    this.vm = vm;
    this.windowNs = config.windowNs();
    this.policies = new Policy[scenarios.size()];
    PolicyContext context = new PolicyContext(config.costs(), mapped);
    for (int i = 0; i < policies.length; i++) {
      policies[i] = scenarios.get(i).create(context);
    }
    this.footprint = context.footprintIfUsed();
  }

  /**
   * Everything this emulator needs to go on exactly where it is, as bytes: the open span's counters, the timers, the
   * LRU lists in order, the iova tables, the per-page tables (present entries only, so the size follows the DMA
   * working set; static pinning adds a constant). {@link #restore} of these bytes fed the rest of a trace emits exactly
   * what this emulator would.
   */
  public byte[] snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + 16 * (int) Math.min(mapped.mapped(), 1 << 24));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** {@link #snapshot()} into a stream of the caller's (which can then hold other state and reuse its buffer). */
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(SNAPSHOT_FORMAT);
    out.writeLong(windowNs);
    out.writeInt(policies.length);
    for (Policy p : policies) {
      out.writeUTF(p.scenario.name());
    }
    out.writeByte(life.ordinal());
    out.writeUTF(host);
    out.writeLong(guestBytes);
    out.writeLong(lastTs);
    out.writeLong(anomaliesBeforeStart);
    out.writeLong(spanStart);
    out.writeLong(windowStart);
    out.writeLong(windowEnd);
    out.writeBoolean(dirty);
    out.writeByte(callKind.ordinal());
    out.writeLong(callId);
    out.writeByte(accessSource.ordinal());
    mapped.writeTo(out);
    if (footprint != null) {
      footprint.writeTo(out);
    }
    writeDevices(out);
    for (Policy p : policies) {
      p.writeTo(out);
    }
  }

  private void writeDevices(DataOutput out) throws IOException {
    out.writeInt(devices.size());
    for (Map.Entry<String, IovaTable> d : devices.entrySet()) {
      out.writeUTF(d.getKey());
      d.getValue().writeTo(out);
    }
  }

  /**
   * The emulator a {@link #snapshot()} describes. The scenarios and window must be those it was taken with: state of
   * one scenario set means nothing to another, so a mismatch is refused rather than silently mixed.
   */
  public static VmEmulator restore(String vm, List<Scenario> scenarios, EngineConfig config, byte[] snapshot) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
      VmEmulator e = restore(vm, scenarios, config, in);
      if (in.available() != 0) {
        throw new IllegalStateException("VM " + vm + ": " + in.available() + " bytes left over in its snapshot");
      }
      return e;
    } catch (IOException ex) {
      throw new UncheckedIOException("VM " + vm + ": corrupt emulator snapshot", ex);
    }
  }

  /** {@link #restore(String, List, EngineConfig, byte[])} from what {@link #writeTo} wrote to a stream. */
  public static VmEmulator restore(String vm, List<Scenario> scenarios, EngineConfig config, DataInput in)
      throws IOException {
    VmEmulator e = new VmEmulator(vm, scenarios, config);
    int format = in.readInt();
    if (format != SNAPSHOT_FORMAT && format != SNAPSHOT_FORMAT_NO_ACCESSES) {
      throw new IllegalStateException("VM " + vm + ": emulator snapshot format " + format + ", this engine reads "
          + SNAPSHOT_FORMAT);
    }
    long windowNs = in.readLong();
    int n = in.readInt();
    List<String> names = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      names.add(in.readUTF());
    }
    List<String> expected = scenarios.stream().map(Scenario::name).toList();
    if (windowNs != e.windowNs || !names.equals(expected)) {
      throw new IllegalStateException("VM " + vm + ": saved state is for window " + Durations.format(windowNs)
          + " and scenarios " + names + ", not " + Durations.format(e.windowNs) + " and " + expected
          + "; run other settings under another application id");
    }
    e.life = Life.values()[in.readByte()];
    e.host = in.readUTF();
    e.guestBytes = in.readLong();
    e.lastTs = in.readLong();
    e.anomaliesBeforeStart = in.readLong();
    e.spanStart = in.readLong();
    e.windowStart = in.readLong();
    e.windowEnd = in.readLong();
    e.dirty = in.readBoolean();
    e.callKind = CallKind.values()[in.readByte()];
    e.callId = in.readLong();
    e.accessSource = format == SNAPSHOT_FORMAT ? AccessSource.values()[in.readByte()] : AccessSource.MAPS;
    e.mapped.readFrom(in);
    if (e.footprint != null) {
      e.footprint.readFrom(in);
    }
    for (int d = in.readInt(); d > 0; d--) {
      String device = in.readUTF();
      e.devices.put(device, IovaTable.readFrom(in));
    }
    for (Policy p : e.policies) {
      p.readFrom(in);
    }
    return e;
  }

  /** True after VM_STOP or {@link #finish}. */
  public boolean finished() {
    return life == Life.STOPPED;
  }

  /** Pages scenario {@code i} has pinned right now (for tests that check invariants after every event). */
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
          vmAnomaly(out, AnomalyReason.BAD_GUEST_MEMORY, "guest memory " + e.getGuestMemoryBytes()
              + " bytes is not positive; the VM starts with 0 bytes", e);
        }
      } else {
        anomaliesBeforeStart++;
        out.anomaly(anomaly("", AnomalyReason.EVENT_BEFORE_VM_START, type + " before the VM's VM_START", e));
      }
      return;
    }
    if (life == Life.STOPPED) {
      out.anomaly(anomaly("", AnomalyReason.EVENT_AFTER_VM_STOP,
          type + " after the VM stopped at " + lastTs + " ns; not emulated and not counted in any record", e));
      return;
    }
    long ts = e.getTsNs();
    boolean outOfOrder = ts < lastTs;
    if (outOfOrder) {
      ts = lastTs;
    }
    if (type == EventType.VM_STOP) {
      advanceToStop(ts, out);
    } else {
      advanceTo(ts, out);
      markDirty(out);
    }
    lastTs = ts;
    if (outOfOrder) {
      vmAnomaly(out, AnomalyReason.OUT_OF_ORDER_TIMESTAMP,
          "ts " + e.getTsNs() + " ns is before the previous event's " + ts + " ns; emulated at " + ts + " ns", e);
    }
    switch (type) {
      case VM_START:
        vmAnomaly(out, AnomalyReason.DUPLICATE_VM_START, "the VM already started; ignored", e);
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
        validBuffer(e, e.getGpa(), e.getBytes(), out);
        break;
      case DMA_ACCESS:
        callKind = CallKind.NONE;
        access(e, ts, out);
        break;
      case IO_PAGE_FAULT:
        callKind = CallKind.NONE;
        for (Policy p : policies) {
          p.ioPageFaults++;
        }
        break;
      default:
        callKind = CallKind.NONE;
        vmAnomaly(out, AnomalyReason.UNKNOWN_EVENT_TYPE, "event type " + type + " is not emulated", e);
        break;
    }
  }

  /**
   * No event of this VM before {@code ts} will come any more (the processor's watermark): timers due before it fire and
   * the windows that end at or before it are emitted, so a VM that falls silent still gets its windows closed. The same
   * events give the same records whether or not this is called in between (a stop exactly at {@code ts} still ends
   * the window before it).
   */
  public void advanceTime(long ts, EmulationSink out) {
    if (life == Life.RUNNING && ts - 1 > lastTs) {
      advanceTo(ts - 1, out);
    }
  }

  /** An event that arrived after {@link #advanceTime} had passed it: reported, counted, not emulated. */
  public void late(TraceEvent e, long frontierNs, EmulationSink out) {
    String detail = "ts " + e.getTsNs() + " ns arrived after trace time had reached " + frontierNs + " ns; not emulated";
    if (life == Life.RUNNING) {
      vmAnomaly(out, AnomalyReason.LATE_EVENT, detail, e);
    } else {
      out.anomaly(anomaly("", AnomalyReason.LATE_EVENT, detail, e));
    }
  }

  /** End of the trace without VM_STOP: releases everything at the last seen timestamp and emits the last records. */
  public void finish(EmulationSink out) {
    if (life == Life.RUNNING) {
      advanceToStop(lastTs, out);
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
    spanStart = ts;
    windowStart = ts;
    windowEnd = Math.floorDiv(ts, windowNs) * windowNs + windowNs;
    dirty = true;
    for (Policy p : policies) {
      p.start(ts, guestPages);
      p.anomalies += anomaliesBeforeStart;
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
    emit(spanStart, ts, true, out);
    life = Life.STOPPED;
  }

  // ---- time ----

  private void advanceTo(long ts, EmulationSink out) {
    while (true) {
      long t = nextTimer();
      if (t <= ts && t < windowEnd) {
        fireTimers(t, out);
        continue;
      }
      if (windowEnd <= ts) {
        if (dirty) {
          emit(spanStart, windowEnd, false, out);
          spanStart = windowEnd;
          dirty = false;
        }
        windowStart = windowEnd;
        windowEnd += windowNs;
        // Nothing happens before the next event or timer: jump over the idle windows in one step.
        long aligned = Math.floorDiv(Math.min(ts, t), windowNs) * windowNs;
        if (aligned > windowStart) {
          windowStart = aligned;
          windowEnd = aligned + windowNs;
        }
        continue;
      }
      return;
    }
  }

  /**
   * Like {@link #advanceTo} but leaves the window that ends exactly at {@code ts} open, so that a stop on a window
   * boundary ends the last record there instead of opening an empty one; timers due at {@code ts} fire in it. A
   * pending idle stretch becomes part of the last record.
   */
  private void advanceToStop(long ts, EmulationSink out) {
    advanceTo(ts - 1, out);
    for (long t = nextTimer(); t <= ts; t = nextTimer()) {
      fireTimers(t, out);
    }
    // Nothing but the stop itself left: the last record covers the whole idle stretch up to it, unless that stretch
    // is too long for a page-nanosecond integral (then the stretch gets its own records and the last covers a window).
    if (!dirty && spanStart < windowStart && !integralsFit(ts - spanStart)) {
      emitIdle(spanStart, windowStart, out);
      spanStart = windowStart;
    }
    dirty = true;
  }

  private boolean integralsFit(long len) {
    for (Policy p : policies) {
      if (!p.integralFits(len)) {
        return false;
      }
    }
    return true;
  }

  /** Fires every timer due at {@code t}, in scenario order; a timer with work ends the idle stretch before it. */
  private void fireTimers(long t, EmulationSink out) {
    boolean work = false;
    for (Policy p : policies) {
      work |= p.nextTimerNs() == t && p.timerHasWork();
    }
    if (work) {
      markDirty(out);
    }
    for (Policy p : policies) {
      if (p.nextTimerNs() == t) {
        p.fireTimer(t);
      }
    }
  }

  private long nextTimer() {
    long t = Long.MAX_VALUE;
    for (Policy p : policies) {
      t = Math.min(t, p.nextTimerNs());
    }
    return t;
  }

  /** Something is about to happen in the current window: first close the idle stretch before it, if any. */
  private void markDirty(EmulationSink out) {
    if (dirty) {
      return;
    }
    if (spanStart < windowStart) {
      emitIdle(spanStart, windowStart, out);
    }
    spanStart = windowStart;
    dirty = true;
  }

  /** One record for an idle stretch, split at window boundaries only if a page-nanosecond integral would overflow. */
  private void emitIdle(long from, long to, EmulationSink out) {
    long start = from;
    while (start < to) {
      long end = to;
      for (Policy p : policies) {
        while (!p.integralFits(end - start) && end - windowNs > start) {
          long maxLen = Long.MAX_VALUE / p.pinned();
          end = Math.max(Math.floorDiv(start + maxLen, windowNs) * windowNs, Math.floorDiv(start, windowNs) * windowNs
              + windowNs);
        }
      }
      emit(start, end, false, out);
      start = end;
    }
  }

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
    if (!validBuffer(e, gpa, bytes, out) || !walkable(e, bytes, out)) {
      return;
    }
    IovaTable table = deviceTable(e.getDevice(), true);
    if (table.find(e.getIova()) >= 0) {
      vmAnomaly(out, AnomalyReason.DOUBLE_MAP, "device " + e.getDevice() + " already maps iova 0x"
          + Long.toHexString(e.getIova()) + "; refused as the IOMMU refuses it", e);
      return;
    }
    long gfn = firstPage(e);
    long pages = pageCount(e);
    if (!mapped.map(gfn, pages)) {
      vmAnomaly(out, AnomalyReason.MAP_COUNT_OVERFLOW, "a page would have more than " + MappedPages.MAX_MAP_COUNT
          + " live mappings; refused as the guest driver refuses it", e);
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
      p.mapRange(ts, gfn, pages);
      if (accessSource == AccessSource.MAPS) {
        p.access(ts, gfn, pages);
      }
    }
    checkSafety(gfn, pages, SafetyPoint.AFTER_MAP, e, out);
  }

  private void unmap(TraceEvent e, long ts, EmulationSink out) {
    if (e.getBytes() < 0) {
      vmAnomaly(out, AnomalyReason.BAD_LENGTH, "negative length " + e.getBytes(), e);
      return;
    }
    IovaTable table = deviceTable(e.getDevice(), false);
    int slot = table == null ? -1 : table.find(e.getIova());
    if (slot < 0) {
      vmAnomaly(out, AnomalyReason.UNMAP_UNKNOWN_IOVA, "device " + e.getDevice() + " has no mapping at iova 0x"
          + Long.toHexString(e.getIova()), e);
      return;
    }
    long gpa = table.gpaAt(slot);
    long bytes = table.bytesAt(slot, e.getIova());
    if ((e.getGpa() != null && e.getGpa() != gpa) || (e.getBytes() > 0 && e.getBytes() != bytes)) {
      vmAnomaly(out, AnomalyReason.UNMAP_MISMATCH, "iova 0x" + Long.toHexString(e.getIova()) + " maps gpa 0x"
          + Long.toHexString(gpa) + " for " + bytes + " bytes; that mapping is unmapped", e);
    }
    table.removeAt(slot, e.getIova());
    long gfn = gpa >>> Policy.PAGE_SHIFT;
    long pages = ((gpa + bytes - 1) >>> Policy.PAGE_SHIFT) - gfn + 1;
    mapped.unmap(gfn, pages);
    boolean newCall = !(e.getCallId() != 0 && callKind == CallKind.UNMAP && callId == e.getCallId());
    callKind = CallKind.UNMAP;
    callId = e.getCallId();
    for (Policy p : policies) {
      if (newCall) {
        p.beginUnmapCall(ts);
      }
      p.unmapRange(ts, gfn, pages);
    }
  }

  private void balloonInflate(TraceEvent e, long ts, EmulationSink out) {
    if (!validBuffer(e, e.getGpa(), e.getBytes(), out)) {
      return;
    }
    long gfn = firstPage(e);
    long pages = pageCount(e);
    long mappedInRange = mapped.pages().count(gfn, gfn + pages);
    for (Policy p : policies) {
      long refused = p.balloonInflate(ts, gfn, pages);
      if (mappedInRange > 0) {
        p.anomalies++;
        out.anomaly(anomaly(p.scenario.name(), AnomalyReason.BALLOON_OVER_MAPPED, mappedInRange + " of " + pages
            + " pages are mapped for DMA; this scenario refused " + refused + " of " + pages * Policy.PAGE_BYTES
            + " bytes", e));
      }
    }
  }

  private void access(TraceEvent e, long ts, EmulationSink out) {
    accessSource = AccessSource.TRACE;
    if (!validBuffer(e, e.getGpa(), e.getBytes(), out) || !walkable(e, e.getBytes(), out)) {
      return;
    }
    long gfn = firstPage(e);
    long pages = pageCount(e);
    long unmapped = pages - mapped.pages().count(gfn, gfn + pages);
    if (unmapped > 0) {
      vmAnomaly(out, AnomalyReason.ACCESS_TO_UNMAPPED_PAGE, unmapped + " of " + pages
          + " pages have no live mapping", e);
    }
    for (Policy p : policies) {
      p.access(ts, gfn, pages);
    }
    checkSafety(gfn, pages, SafetyPoint.AT_ACCESS, e, out);
  }

  private enum SafetyPoint { AFTER_MAP, AT_ACCESS }

  /**
   * The safety invariant after a map or at a device access: no page the device can reach is unpinned, checked against
   * each policy's own state (after a map: every mapped page of the buffer, unless the policy pins on fault).
   */
  private void checkSafety(long gfn, long pages, SafetyPoint point, TraceEvent e, EmulationSink out) {
    for (Policy p : policies) {
      long bad = point == SafetyPoint.AFTER_MAP ? p.countUnsafeAfterMap(gfn, pages) : p.countMappedUnpinned(gfn, pages);
      if (bad > 0) {
        p.dmaSafetyViolations += bad;
        p.anomalies++;
        out.anomaly(anomaly(p.scenario.name(), AnomalyReason.DMA_SAFETY_VIOLATION, bad
            + " mapped pages are not pinned: an emulator bug", e));
      }
    }
  }

  private static long firstPage(TraceEvent e) {
    return e.getGpa() >>> Policy.PAGE_SHIFT;
  }

  private static long pageCount(TraceEvent e) {
    long gpa = e.getGpa();
    return ((gpa + e.getBytes() - 1) >>> Policy.PAGE_SHIFT) - (gpa >>> Policy.PAGE_SHIFT) + 1;
  }

  /**
   * Maps and accesses are walked page by page: a buffer larger than the guest (and than 4 GiB, the largest DMA
   * segment drivers use) is a corrupt length, and walking it could take the engine down.
   */
  private boolean walkable(TraceEvent e, long bytes, EmulationSink out) {
    if (bytes > Math.max(guestBytes, MAX_SEGMENT_BYTES)) {
      vmAnomaly(out, AnomalyReason.BAD_LENGTH, "length " + bytes + " is larger than the guest's memory", e);
      return false;
    }
    return true;
  }

  private boolean validBuffer(TraceEvent e, Long gpa, long bytes, EmulationSink out) {
    if (bytes <= 0) {
      vmAnomaly(out, AnomalyReason.BAD_LENGTH, "length " + bytes + " is not positive", e);
      return false;
    }
    if (gpa == null) {
      vmAnomaly(out, AnomalyReason.MISSING_GPA, e.getType() + " carries no gpa", e);
      return false;
    }
    if (gpa < 0 || bytes > GPA_LIMIT - gpa) {
      vmAnomaly(out, AnomalyReason.GPA_OUT_OF_RANGE, "gpa 0x" + Long.toHexString(gpa) + " + " + bytes
          + " bytes is outside the 46-bit guest physical address space", e);
      return false;
    }
    return true;
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

  // ---- anomalies ----

  private void vmAnomaly(EmulationSink out, AnomalyReason reason, String detail, TraceEvent e) {
    for (Policy p : policies) {
      p.anomalies++;
    }
    out.anomaly(anomaly("", reason, detail, e));
  }

  private Anomaly anomaly(String scenario, AnomalyReason reason, String detail, TraceEvent e) {
    // A copy: the caller may reuse its event objects once onEvent returns.
    return new Anomaly(vm, scenario, reason.name(), detail, TraceEvent.newBuilder(e).build());
  }
}
