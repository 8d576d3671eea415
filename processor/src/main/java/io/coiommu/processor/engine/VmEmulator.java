package io.coiommu.processor.engine;

import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

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

  // Package-private for EmulatorSnapshot, which writes and reads all of this state.
  final String vm;
  final Policy[] policies;

  final WindowClock clock;
  private final EventChecks checks;
  final MappedPages mapped = new MappedPages();

  /** Shared by the coiommu scenarios; null without one. */
  final DttFootprint footprint;

  final DmaEvents dma;

  /** The views through which events reach the emulation: moved along, never kept past a call. */
  private final BatchEvent cursor = new BatchEvent();

  private final RecordEvent record = new RecordEvent();

  Life life = Life.NOT_STARTED;
  String host = "";
  long guestBytes;
  long lastTs;
  long anomaliesBeforeStart;

  public VmEmulator(String vm, List<Scenario> scenarios, EngineConfig config) {
    if (scenarios.isEmpty()) {
      throw new IllegalArgumentException("no scenario to emulate for VM " + vm);
    }
    this.vm = vm;
    this.policies = new Policy[scenarios.size()];
    this.clock = new WindowClock(config.windowNs(), policies, this::emit);
    PolicyContext context = new PolicyContext(config.costs(), mapped);
    for (int i = 0; i < policies.length; i++) {
      policies[i] = scenarios.get(i).create(context);
    }
    this.checks = new EventChecks(vm, policies);
    this.footprint = context.footprintIfUsed();
    this.dma = new DmaEvents(policies, checks, mapped, footprint);
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

  /** Emulates one event record: the same path as {@link #onEvents}, for callers with records. */
  public void onEvent(TraceEvent e, EmulationSink out) {
    emulate(record.of(e), out);
    record.release();
  }

  /**
   * Emulates events {@code [from, to)} of a batch's columns in place, with no object per event, but
   * stops right after an event that leaves the VM stopped (its VM_STOP): the caller hands the rest
   * to a new emulator, as a later VM of the same id starts from scratch. Returns the index after
   * the last event emulated. Whether a run of events comes in one call or several, and in columns
   * or as records, the output is the same.
   */
  public int onEvents(EventColumns batch, int from, int to, EmulationSink out) {
    Objects.checkFromToIndex(from, to, batch.size());
    int i = from;
    cursor.over(batch);
    while (i < to) {
      emulate(cursor.at(i++), out);
      if (life == Life.STOPPED) {
        break;
      }
    }
    cursor.release();
    return i;
  }

  private void emulate(EventView e, EmulationSink out) {
    EventType type = e.type();
    if (life == Life.NOT_STARTED) {
      if (type == EventType.VM_START) {
        start(e);
        if (e.guestMemoryBytes() <= 0) {
          checks.vmAnomaly(
              out,
              AnomalyReason.BAD_GUEST_MEMORY,
              "guest memory "
                  + e.guestMemoryBytes()
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
    long ts = e.tsNs();
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
              + e.tsNs()
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
        dma.map(e, ts, guestBytes, out);
        break;
      case DMA_UNMAP:
      case DMA_FREE:
        dma.unmap(e, ts, out);
        break;
      case BALLOON_INFLATE:
        dma.endCall();
        dma.balloonInflate(e, ts, out);
        break;
      case BALLOON_DEFLATE:
        // The pages return to the guest unpinned: nothing changes for any policy.
        dma.endCall();
        checks.validBuffer(e, out);
        break;
      case DMA_ACCESS:
        dma.endCall();
        dma.access(e, ts, guestBytes, out);
        break;
      case IO_PAGE_FAULT:
        dma.endCall();
        for (Policy p : policies) {
          p.add(Counter.IO_PAGE_FAULTS, 1);
        }
        break;
      default:
        dma.endCall();
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
    late(record.of(e), frontierNs, out);
    record.release();
  }

  /** {@link #late(TraceEvent, long, EmulationSink)} of event {@code i} of a batch's columns. */
  public void late(EventColumns batch, int i, long frontierNs, EmulationSink out) {
    late(cursor.over(batch).at(i), frontierNs, out);
    cursor.release();
  }

  private void late(EventView e, long frontierNs, EmulationSink out) {
    String detail =
        "ts "
            + e.tsNs()
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

  private void start(EventView e) {
    life = Life.RUNNING;
    long ts = e.tsNs();
    host = e.host() == null ? "" : e.host();
    guestBytes = Math.max(0, e.guestMemoryBytes());
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
    dma.clearDevices();
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
}
