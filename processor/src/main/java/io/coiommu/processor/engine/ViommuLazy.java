package io.coiommu.processor.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Emulated VT-d with Linux's deferred flushing (the IOVA flush queue). Maps trap as in strict mode. An unmap call
 * only clears the guest's page tables and queues one entry; the queue is flushed, with one exit and one domain-wide
 * invalidation, when an entry arrives at a full queue (256 entries, IOVA_FQ_SIZE) or when the timer armed by the first
 * queued entry expires (10 ms, IOVA_FQ_TIMEOUT). Only then does QEMU learn of the unmaps and unpin the queued pages
 * that no mapping refers to any more; until then they stay pinned.
 */
final class ViommuLazy extends Policy {

  /** Unmapped pages still pinned because their unmap waits in the flush queue. */
  private final PageTable held = new PageTable();
  private int queuedEntries;
  private long queuedRanges;
  private long deadline = Long.MAX_VALUE;

  ViommuLazy(Scenario scenario, CostModel costs, MappedPages mapped) {
    super(scenario, costs, mapped, ExitKind.USERSPACE_MMIO);
  }

  @Override
  void beginMapCall(long ts) {
    mapCalls++;
    trap(true);
  }

  @Override
  void mapRange(long ts, long gfn, long pages) {
    vfioMaps++;
    for (int k = 0, n = mapped.transitionCount(); k < n; k++) {
      // A page whose unmap is still queued was never unpinned: mapping it again pins nothing.
      if (held.remove(mapped.transition(k)) < 0) {
        pins++;
      }
    }
    setPinned(ts, mapped.mapped() + held.size());
  }

  @Override
  void beginUnmapCall(long ts) {
    if (queuedEntries == scenario.queueEntries()) {
      flush(ts);
    }
    queuedEntries++;
    if (deadline == Long.MAX_VALUE) {
      deadline = ts + scenario.timeoutNs();
    }
  }

  @Override
  void unmapRange(long ts, long gfn, long pages) {
    queuedRanges++;
    for (int k = 0, n = mapped.transitionCount(); k < n; k++) {
      held.put(mapped.transition(k), 0);
    }
    // A flush at the start of this call saw the VM's counts without this range's pages in held: restore them.
    setPinned(ts, mapped.mapped() + held.size());
  }

  private void flush(long ts) {
    trap(true);
    vfioUnmaps += queuedRanges;
    unpins += held.size();
    held.clear();
    queuedEntries = 0;
    queuedRanges = 0;
    deadline = Long.MAX_VALUE;
    setPinned(ts, mapped.mapped());
  }

  @Override
  long nextTimerNs() {
    return deadline;
  }

  @Override
  boolean timerHasWork() {
    return true;
  }

  @Override
  void fireTimer(long ts) {
    flush(ts);
  }

  @Override
  boolean isPinned(long gfn) {
    return mapped.isMapped(gfn) || held.contains(gfn);
  }

  @Override
  long balloonInflate(long ts, long gfn, long pages) {
    long end = gfn + pages;
    return refusePinnedPages(pages, mapped.table().countInRange(gfn, end) + held.countInRange(gfn, end));
  }

  @Override
  void writeState(DataOutput out) throws IOException {
    held.writeTo(out);
    out.writeInt(queuedEntries);
    out.writeLong(queuedRanges);
    out.writeLong(deadline);
  }

  @Override
  void readState(DataInput in) throws IOException {
    held.readFrom(in);
    queuedEntries = in.readInt();
    queuedRanges = in.readLong();
    deadline = in.readLong();
  }

  @Override
  void release(long ts) {
    held.clear();
    queuedEntries = 0;
    queuedRanges = 0;
    deadline = Long.MAX_VALUE;
    super.release(ts);
  }
}
