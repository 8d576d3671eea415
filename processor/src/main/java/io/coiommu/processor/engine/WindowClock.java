package io.coiommu.processor.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A VM's record clock on trace time. Windows are aligned to multiples of the window size of
 * absolute trace time (the first starts at VM_START). A window in which something happened gets its
 * own record per scenario; consecutive windows in which nothing happened (no event, no timer with
 * work) are covered by one record. Timers (viommu-lazy's flush, coiommu's LRU scans) fire on trace
 * time before any event at or after their due time.
 */
final class WindowClock {

  /** Closes the record span [start, end) of every scenario. */
  @FunctionalInterface
  interface Records {
    void close(long start, long end, boolean last, EmulationSink out);
  }

  private final long windowNs;
  private final Policy[] policies;
  private final Records records;

  /** Start of the trace time not yet covered by a record. */
  private long spanStart;

  private long windowStart;
  private long windowEnd;

  /** Whether anything happened in [windowStart, windowEnd). */
  private boolean dirty;

  WindowClock(long windowNs, Policy[] policies, Records records) {
    this.windowNs = windowNs;
    this.policies = policies;
    this.records = records;
  }

  long windowNs() {
    return windowNs;
  }

  /** VM_START at {@code ts}: the first span and window start there. */
  void start(long ts) {
    spanStart = ts;
    windowStart = ts;
    windowEnd = Math.floorDiv(ts, windowNs) * windowNs + windowNs;
    dirty = true;
  }

  /** VM_STOP at {@code ts}, after {@link #advanceToStop}: the last record ends there. */
  void stop(long ts, EmulationSink out) {
    records.close(spanStart, ts, true, out);
  }

  /** Fires the timers due up to {@code ts} and emits the windows that end at or before it. */
  void advanceTo(long ts, EmulationSink out) {
    while (true) {
      long t = nextTimer();
      if (t <= ts && t < windowEnd) {
        fireTimers(t, out);
        continue;
      }
      if (windowEnd <= ts) {
        if (dirty) {
          records.close(spanStart, windowEnd, false, out);
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
   * Like {@link #advanceTo} but leaves the window that ends exactly at {@code ts} open, so that a
   * stop on a window boundary ends the last record there instead of opening an empty one; timers
   * due at {@code ts} fire in it. A pending idle stretch becomes part of the last record.
   */
  void advanceToStop(long ts, EmulationSink out) {
    advanceTo(ts - 1, out);
    for (long t = nextTimer(); t <= ts; t = nextTimer()) {
      fireTimers(t, out);
    }
    // Nothing but the stop itself left: the last record covers the whole idle stretch up to it,
    // unless that stretch
    // is too long for a page-nanosecond integral (then the stretch gets its own records and the
    // last covers a window).
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

  /**
   * Fires every timer due at {@code t}, in scenario order; a timer with work ends the idle stretch
   * before it.
   */
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

  /**
   * Something is about to happen in the current window: first close the idle stretch before it, if
   * any.
   */
  void markDirty(EmulationSink out) {
    if (dirty) {
      return;
    }
    if (spanStart < windowStart) {
      emitIdle(spanStart, windowStart, out);
    }
    spanStart = windowStart;
    dirty = true;
  }

  /**
   * One record for an idle stretch, split at window boundaries only if a page-nanosecond integral
   * would overflow.
   */
  private void emitIdle(long from, long to, EmulationSink out) {
    long start = from;
    while (start < to) {
      long end = to;
      for (Policy p : policies) {
        while (!p.integralFits(end - start) && end - windowNs > start) {
          long maxLen = Long.MAX_VALUE / p.pinned();
          end =
              Math.max(
                  Math.floorDiv(start + maxLen, windowNs) * windowNs,
                  Math.floorDiv(start, windowNs) * windowNs + windowNs);
        }
      }
      records.close(start, end, false, out);
      start = end;
    }
  }

  void writeTo(DataOutput out) throws IOException {
    out.writeLong(spanStart);
    out.writeLong(windowStart);
    out.writeLong(windowEnd);
    out.writeBoolean(dirty);
  }

  void readFrom(DataInput in) throws IOException {
    spanStart = in.readLong();
    windowStart = in.readLong();
    windowEnd = in.readLong();
    dirty = in.readBoolean();
  }
}
