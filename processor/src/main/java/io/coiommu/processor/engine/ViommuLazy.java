package io.coiommu.processor.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Emulated VT-d with Linux's deferred flushing (the IOVA flush queue). Maps trap as in strict mode.
 * An unmap call only clears the guest's page tables and queues one entry; the queue is flushed,
 * with one exit and one domain-wide invalidation, when an entry arrives at a full queue (256
 * entries, IOVA_FQ_SIZE) or when the timer armed by the first queued entry expires (10 ms,
 * IOVA_FQ_TIMEOUT). Only then does QEMU learn of the unmaps and unpin the queued pages that no
 * mapping refers to any more; until then they stay pinned.
 */
final class ViommuLazy extends Policy {

  /**
   * Unmapped pages still pinned because their unmap waits in the flush queue; never a mapped page.
   */
  private final PageBitmap held = new PageBitmap();

  private int queuedEntries;

  /**
   * VFIO unmaps the next flush makes: QEMU's walk of the domain finds each queued range's leaves
   * gone (as {@link VfioGranule#PAGE_TABLE_LEAF}).
   */
  private long queuedUnmapCalls;

  /**
   * @param queueEntries flush-queue entries that trigger a flush
   * @param timeoutNs trace nanoseconds after which a queued unmap is flushed
   */
  record Params(int queueEntries, long timeoutNs) implements PolicyParams {

    /** Linux's flush queue by default: IOVA_FQ_SIZE = 256 entries, IOVA_FQ_TIMEOUT = 10 ms. */
    static Params parse(SpecParams p) {
      return new Params(
          (int) p.integer("queue", 256, 1, 1_000_000), p.duration("timeout", 10_000_000L, 1));
    }

    @Override
    public PolicyKind kind() {
      return PolicyKind.VIOMMU_LAZY;
    }

    @Override
    public String name() {
      return kind().specName()
          + ":queue="
          + queueEntries
          + ",timeout="
          + Durations.format(timeoutNs);
    }

    @Override
    public Policy create(Scenario scenario, PolicyContext context) {
      return new ViommuLazy(scenario, context, this);
    }
  }

  private final Params params;

  ViommuLazy(Scenario scenario, PolicyContext context, Params params) {
    super(scenario, context.costs(), context.mapped(), ExitKind.USERSPACE_MMIO);
    this.params = params;
  }

  @Override
  void beginMapCall(long ts) {
    add(Counter.MAP_CALLS, 1);
    trap(true);
  }

  @Override
  void mapRange(long ts, long iovaPage, long gfn, long pages) {
    add(Counter.VFIO_MAPS, VfioGranule.PAGE_TABLE_LEAF.mapCalls(iovaPage, gfn, pages));
    // A page whose unmap is still queued was never unpinned: mapping it again pins nothing. Held
    // pages were unmapped,
    // so those of the range are among the pages this map took from 0 to 1.
    long regained = held.cardinality() == 0 ? 0 : held.clearRange(gfn, gfn + pages);
    add(Counter.PINS, mapped.transitionCount() - regained);
    setPinned(ts, mapped.mapped() + held.cardinality());
  }

  @Override
  void beginUnmapCall(long ts) {
    if (queuedEntries == params.queueEntries()) {
      flush(ts);
    }
    queuedEntries++;
    // The first entry queued arms the flush timer (the policy's timer).
    if (nextTimerNs() == Long.MAX_VALUE) {
      setTimer(ts + params.timeoutNs());
    }
  }

  @Override
  void unmapRange(long ts, long iovaPage, long gfn, long pages) {
    queuedUnmapCalls += VfioGranule.PAGE_TABLE_LEAF.unmapCalls(iovaPage, pages);
    // The pages of the range no longer mapped are those this unmap took from 1 to 0.
    if (mapped.transitionCount() > 0) {
      held.setAndNot(gfn, gfn + pages, mapped.pages());
    }
    // A flush at the start of this call saw the VM's counts without this range's pages in held:
    // restore them.
    setPinned(ts, mapped.mapped() + held.cardinality());
  }

  private void flush(long ts) {
    trap(true);
    add(Counter.VFIO_UNMAPS, queuedUnmapCalls);
    add(Counter.UNPINS, held.cardinality());
    held.clear();
    queuedEntries = 0;
    queuedUnmapCalls = 0;
    setTimer(Long.MAX_VALUE);
    setPinned(ts, mapped.mapped());
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
  long balloonInflate(long ts, long gfn, long pages) {
    long end = gfn + pages;
    return refusePinnedPages(pages, mapped.pages().count(gfn, end) + held.count(gfn, end));
  }

  @Override
  void writeState(DataOutput out) throws IOException {
    held.writeTo(out);
    out.writeInt(queuedEntries);
    out.writeLong(queuedUnmapCalls);
    out.writeLong(nextTimerNs());
  }

  @Override
  void readState(DataInput in) throws IOException {
    held.readFrom(in);
    queuedEntries = in.readInt();
    queuedUnmapCalls = in.readLong();
    setTimer(in.readLong());
  }

  @Override
  void release(long ts) {
    held.clear();
    queuedEntries = 0;
    queuedUnmapCalls = 0;
    setTimer(Long.MAX_VALUE);
    super.release(ts);
  }
}
