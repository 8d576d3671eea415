package io.coiommu.processor.engine;

import io.coiommu.schema.WindowResult;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The state of one scenario for one VM: what the policy keeps pinned, and the counters of the
 * current record span.
 *
 * <p>The VM-level {@link MappedPages} is updated before a policy hears of a map or unmap, so a
 * policy reads the guest's mapping counts and the pages that crossed 0 and 1 from it. Pinned pages
 * are kept as a gauge whose time integral is exact: it is advanced at every change, on trace time
 * only.
 */
abstract class Policy {

  static final int PAGE_SHIFT = 12;
  static final long PAGE_BYTES = 1L << PAGE_SHIFT;

  final Scenario scenario;
  final CostModel costs;
  final MappedPages mapped;
  private final ExitKind exitKind;

  /** The current span's {@link Counter}s, by ordinal. */
  private final long[] counts = new long[Counter.ALL.length];

  /**
   * Trace time of this policy's next timer, or Long.MAX_VALUE: a field, not a method each policy
   * overrides, because the window clock reads every policy's before each event.
   */
  private long timerNs = Long.MAX_VALUE;

  private long pinned;
  private long peakPinned;
  private long pinnedPageNanos;
  private long lastChangeNs;

  /** Counts record spans, so a call can tell whether it began in the span being counted. */
  long spanSeq;

  Policy(Scenario scenario, CostModel costs, MappedPages mapped, ExitKind exitKind) {
    this.scenario = scenario;
    this.costs = costs;
    this.mapped = mapped;
    this.exitKind = exitKind;
  }

  final void add(Counter c, long n) {
    counts[c.ordinal()] += n;
  }

  final long count(Counter c) {
    return counts[c.ordinal()];
  }

  /** VM_START: the guest has {@code guestPages} pages. */
  void start(long ts, long guestPages) {
    lastChangeNs = ts;
  }

  abstract void beginMapCall(long ts);

  /**
   * One range of a map call: guest pages [gfn, gfn + pages) at the IOVA page {@code iovaPage};
   * {@link MappedPages#map} has already counted it.
   */
  abstract void mapRange(long ts, long iovaPage, long gfn, long pages);

  abstract void beginUnmapCall(long ts);

  /**
   * One range of an unmap call, as {@link #mapRange}; {@link MappedPages#unmap} has already counted
   * it.
   */
  abstract void unmapRange(long ts, long iovaPage, long gfn, long pages);

  /**
   * BALLOON_INFLATE of [gfn, gfn + pages): the host wants those pages back. Counts requested,
   * reclaimed and refused bytes and any unpins; returns the bytes refused.
   */
  abstract long balloonInflate(long ts, long gfn, long pages);

  /** VM_STOP: everything is released. */
  void release(long ts) {
    add(Counter.UNPINS, pinned);
    setPinned(ts, 0);
  }

  /** Trace time of this policy's next timer, or Long.MAX_VALUE. */
  final long nextTimerNs() {
    return timerNs;
  }

  /** Sets the next timer to {@code ts} (Long.MAX_VALUE: none). */
  final void setTimer(long ts) {
    timerNs = ts;
  }

  /** Whether the timer due now may change anything (if not, an idle stretch can go on). */
  boolean timerHasWork() {
    return false;
  }

  /** Fires the timer due at {@link #nextTimerNs()}, which must then move past {@code ts}. */
  void fireTimer(long ts) {}

  /** DMA tracking table bytes (coiommu only). */
  long dttBytes() {
    return 0;
  }

  /**
   * One synchronous guest-to-host request: a notification and the exit it costs, with an IOTLB
   * invalidation or not.
   */
  final void trap(boolean invalidates) {
    add(Counter.NOTIFICATIONS, 1);
    add(Counter.EXITS, 1);
    if (invalidates) {
      add(Counter.IOTLB_INVALIDATIONS, 1);
    }
  }

  /**
   * Pages of [gfn, gfn + pages) that are mapped but not pinned: each is a DMA safety violation.
   * None for the policies whose pinned set contains the mapped set by construction (all but those
   * that {@link #keepsOwnPins}).
   */
  long countMappedUnpinned(long gfn, long pages) {
    return 0;
  }

  /**
   * Whether the policy keeps a pinned set of its own (coiommu's and iopf's P bits), which the
   * safety check must read: the others pin every mapped page by construction, so the check skips
   * them and pays no call per policy and map for a count that is always 0.
   */
  boolean keepsOwnPins() {
    return false;
  }

  /**
   * Whether the policy pins on device access, so that {@link #access} must hear of every access.
   */
  boolean pinsOnAccess() {
    return false;
  }

  /**
   * A device access to [gfn, gfn + pages): a DMA_ACCESS, or a map when the VM's trace has shown no
   * access yet. Called only for a policy that {@link #pinsOnAccess}: it pins the mapped pages it
   * does not hold yet.
   */
  void access(long ts, long gfn, long pages) {}

  /**
   * Pages of [gfn, gfn + pages) a device could reach unpinned right after their map: those of
   * {@link #countMappedUnpinned} for a policy that pins at map.
   */
  long countUnsafeAfterMap(long gfn, long pages) {
    return countMappedUnpinned(gfn, pages);
  }

  /** Estimated host CPU nanoseconds of the current span. */
  long cpuCostNs() {
    return count(Counter.EXITS) * costs.exitNanos(exitKind)
        + count(Counter.PINS) * costs.nanos(CostModel.PIN_PAGE)
        + count(Counter.UNPINS) * costs.nanos(CostModel.UNPIN_PAGE)
        + count(Counter.VFIO_MAPS) * costs.nanos(CostModel.VFIO_MAP)
        + count(Counter.VFIO_UNMAPS) * costs.nanos(CostModel.VFIO_UNMAP)
        + count(Counter.IOTLB_INVALIDATIONS) * costs.nanos(CostModel.IOTLB_INVALIDATION)
        + count(Counter.IO_PAGE_FAULTS) * costs.nanos(CostModel.IO_PAGE_FAULT)
        + count(Counter.SCAN_VISITS) * costs.nanos(CostModel.LRU_SCAN_PAGE);
  }

  final long pinned() {
    return pinned;
  }

  /** Moves the pinned gauge to {@code value} at {@code ts}, keeping its integral and peak exact. */
  final void setPinned(long ts, long value) {
    if (value == pinned) {
      // The integral is linear in time: an unchanged gauge is advanced at its next change or at the
      // span's end.
      return;
    }
    advanceIntegral(ts);
    pinned = value;
    if (value > peakPinned) {
      peakPinned = value;
    }
  }

  private void advanceIntegral(long ts) {
    long dt = ts - lastChangeNs;
    if (dt > 0) {
      pinnedPageNanos = saturatedAdd(pinnedPageNanos, saturatedMultiply(pinned, dt));
      lastChangeNs = ts;
    }
  }

  /** Writes the record of [start, end) and starts a new span at {@code end}. */
  final WindowResult closeSpan(
      String vm, String host, long guestBytes, long start, long end, boolean last) {
    advanceIntegral(end);
    long len = end - start;
    WindowResult r = new WindowResult();
    r.setScenario(scenario.name());
    r.setVm(vm);
    r.setHost(host);
    r.setWindowStartNs(start);
    r.setWindowEndNs(end);
    r.setLast(last);
    r.setGuestBytes(guestBytes);
    r.setPinnedPages(pinned);
    r.setPeakPinnedPages(peakPinned);
    r.setPinnedPageNanos(pinnedPageNanos);
    r.setAvgPinnedBytes(len > 0 ? (double) pinnedPageNanos * PAGE_BYTES / len : 0.0);
    r.setMappedPages(mapped.mapped());
    r.setPeakMappedPages(mapped.peak());
    for (Counter c : Counter.ALL) {
      c.set(r, counts[c.ordinal()]);
    }
    r.setDttBytes(dttBytes());
    r.setCpuCostNs(cpuCostNs());
    Arrays.fill(counts, 0);
    pinnedPageNanos = 0;
    peakPinned = pinned;
    spanSeq++;
    return r;
  }

  /**
   * Everything of the open span and the gauge, then the policy's own state: a restored policy goes
   * on exactly.
   */
  final void writeTo(DataOutput out) throws IOException {
    for (long x : counts) {
      out.writeLong(x);
    }
    long[] gauge = {pinned, peakPinned, pinnedPageNanos, lastChangeNs, spanSeq};
    for (long x : gauge) {
      out.writeLong(x);
    }
    writeState(out);
  }

  final void readFrom(DataInput in) throws IOException {
    for (int i = 0; i < counts.length; i++) {
      counts[i] = in.readLong();
    }
    pinned = in.readLong();
    peakPinned = in.readLong();
    pinnedPageNanos = in.readLong();
    lastChangeNs = in.readLong();
    spanSeq = in.readLong();
    readState(in);
  }

  /**
   * The policy's own state beyond the VM's mapped pages (none for the policies that pin exactly
   * those).
   */
  void writeState(DataOutput out) throws IOException {}

  void readState(DataInput in) throws IOException {}

  /** Whether an idle span of {@code len} ns would overflow the page-nanosecond integral. */
  final boolean integralFits(long len) {
    return pinned == 0 || len <= Long.MAX_VALUE / pinned;
  }

  /**
   * Balloon bookkeeping shared by the policies that refuse exactly the pinned pages of the request.
   */
  final long refusePinnedPages(long pages, long pinnedInRange) {
    add(Counter.BALLOON_REQUESTED_BYTES, pages * PAGE_BYTES);
    add(Counter.BALLOON_REFUSED_BYTES, pinnedInRange * PAGE_BYTES);
    add(Counter.BALLOON_RECLAIMED_BYTES, (pages - pinnedInRange) * PAGE_BYTES);
    return pinnedInRange * PAGE_BYTES;
  }

  private static long saturatedMultiply(long a, long b) {
    if (((a | b) >>> 31) == 0) {
      return a * b;
    }
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
      return lo;
    }
    return Long.MAX_VALUE;
  }

  private static long saturatedAdd(long a, long b) {
    long s = a + b;
    return ((a ^ s) & (b ^ s)) < 0 ? Long.MAX_VALUE : s;
  }
}
