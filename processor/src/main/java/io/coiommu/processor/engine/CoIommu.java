package io.coiommu.processor.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * coIOMMU with crosvm's semantics (devices/src/pci/coiommu.rs and the ChromeOS guest driver kernel/dma/coiommu.c).
 *
 * <p>The DMA tracking table entry of a page holds P (pinned, host-written), A (accessed, set by the guest on map and
 * cleared by the host's scan) and the map count. The map count is the guest's and equals the VM's
 * {@link MappedPages} count, so this class stores only the pinned pages, each with its A bit: an entry is present
 * exactly when P = 1.
 *
 * <p>The LRU unpin worker is crosvm's: pages enter the NEW list when pinned; every interval a scan pops entries and
 * tries to unpin each (only an entry equal to P alone, i.e. count 0 and A clear, unpins); a page that cannot be unpinned
 * has A cleared and goes back, to the OLD list once busy for {@code gen} scans; the OLD list is scanned every
 * {@code gen}-th interval, first, and the limit is shared between the two lists.
 */
final class CoIommu extends Policy {

  private static final int ACCESSED = 1;
  private static final int BUSY_BITS = 24;
  private static final long BUSY_MASK = (1L << BUSY_BITS) - 1;

  /** Pinned pages (P = 1), value = A bit. */
  private final PageTable pinnedPages = new PageTable();
  private final DttFootprint footprint;
  /** crosvm's new_gen_pinned_pages: (gfn << 24 | unpin_busy_cnt); a page may appear more than once, as there. */
  private final LongQueue newGen = new LongQueue();
  /** crosvm's old_gen_pinned_pages: gfn. */
  private final LongQueue oldGen = new LongQueue();
  private final boolean lru;
  private long genTick;
  private long nextScan = Long.MAX_VALUE;
  private boolean callNotified;
  private long callSpan;
  private boolean unmapCallNotified;
  private boolean released;

  CoIommu(Scenario scenario, CostModel costs, MappedPages mapped, DttFootprint footprint) {
    super(scenario, costs, mapped, ExitKind.IOEVENTFD);
    this.footprint = footprint;
    this.lru = scenario.unpin() == UnpinPolicy.LRU;
  }

  @Override
  void start(long ts, long guestPages) {
    super.start(ts, guestPages);
    // crosvm arms the unpin timer only for the lru policy with a non-zero interval.
    if (lru && scenario.intervalNs() > 0) {
      nextScan = ts + scenario.intervalNs();
    }
  }

  @Override
  void beginMapCall(long ts) {
    mapCalls++;
    mapCallsNoExit++;
    callNotified = false;
    callSpan = spanSeq;
  }

  @Override
  void mapRange(long ts, long gfn, long pages) {
    boolean notifiedBefore = callNotified;
    long end = gfn + pages;
    for (long g = gfn; g < end; g++) {
      // The guest has raised the count (MappedPages) and sets A; a page without P joins the call's pin request.
      if (pinnedPages.orBits(g, ACCESSED) < 0) {
        if (!callNotified) {
          notifyHost();
        }
        pin(g, ACCESSED);
      }
    }
    if (!scenario.smart() && !callNotified) {
      notifyHost();
    }
    if (callNotified && !notifiedBefore && scenario.pinAhead() > 0) {
      pinAhead(end);
    }
    setPinned(ts, pinnedPages.size());
  }

  private void notifyHost() {
    callNotified = true;
    trap(false);
    if (callSpan == spanSeq) {
      mapCallsNoExit--;
    }
  }

  private void pin(long gfn, int flags) {
    pinnedPages.put(gfn, flags);
    pins++;
    // crosvm pins page by page: one VFIO map of 4 KiB each.
    vfioMaps++;
    if (lru) {
      newGen.add(gfn << BUSY_BITS);
    }
  }

  /** Speculative pinning of the pages after the range that notified; the host can set P only where a DTT leaf exists. */
  private void pinAhead(long from) {
    long to = Math.min(from + scenario.pinAhead(), PageTable.GFN_LIMIT);
    for (long g = from; g < to; g++) {
      if (footprint.hasEntry(g) && !pinnedPages.contains(g)) {
        pin(g, 0);
      }
    }
  }

  @Override
  void beginUnmapCall(long ts) {
    unmapCallNotified = false;
  }

  @Override
  void unmapRange(long ts, long gfn, long pages) {
    if (scenario.lazy()) {
      return;
    }
    // Ablation: an unmap that drops a count to 0 notifies once per call and the host unpins those pages at once.
    int n = mapped.transitionCount();
    if (n == 0) {
      return;
    }
    if (!unmapCallNotified) {
      unmapCallNotified = true;
      trap(false);
    }
    for (int k = 0; k < n; k++) {
      if (pinnedPages.remove(mapped.transition(k)) >= 0) {
        countUnpin();
      }
    }
    setPinned(ts, pinnedPages.size());
  }

  private void countUnpin() {
    unpins++;
    vfioUnmaps++;
    // Each VFIO unmap syncs the physical IOTLB.
    iotlbInvalidations++;
  }

  @Override
  boolean isPinned(long gfn) {
    return pinnedPages.contains(gfn);
  }

  @Override
  long nextTimerNs() {
    return nextScan;
  }

  @Override
  boolean timerHasWork() {
    return !newGen.isEmpty() || !oldGen.isEmpty();
  }

  @Override
  void fireTimer(long ts) {
    nextScan += scenario.intervalNs();
    long limit = scenario.limit();
    long unpinned = 0;
    int gen = scenario.gen();
    if (gen != 0 && ++genTick == gen) {
      genTick = 0;
      unpinned = scan(oldGen, false, limit);
    }
    scan(newGen, true, limit == Scenario.UNLIMITED ? Scenario.UNLIMITED : Math.max(0, limit - unpinned));
    setPinned(ts, pinnedPages.size());
  }

  /**
   * crosvm's lru_unpin_pages_in_loop over one list: visits each entry present at the start at most once, stops when
   * {@code limit} pages were unpinned, and puts busy pages back at the tail (the unvisited rest stays in front of
   * them, as crosvm's append after the loop leaves it).
   */
  private long scan(LongQueue list, boolean isNew, long limit) {
    int gen = scenario.gen();
    long unpinned = 0;
    for (int i = 0, n = list.size(); i < n; i++) {
      if (limit != Scenario.UNLIMITED && unpinned == limit) {
        break;
      }
      long entry = list.poll();
      scanVisits++;
      long gfn = isNew ? entry >>> BUSY_BITS : entry;
      int flags = pinnedPages.get(gfn);
      if (flags < 0) {
        // NotPinned (the balloon or lazy=off unpinned it): the entry is dropped.
        continue;
      }
      if (flags == 0 && !mapped.isMapped(gfn)) {
        pinnedPages.remove(gfn);
        countUnpin();
        unpinned++;
        continue;
      }
      // NotUnpinned: clear A so that the next scan can tell whether the guest mapped it again.
      pinnedPages.put(gfn, 0);
      if (gen != 0) {
        long busy = isNew ? (entry & BUSY_MASK) + 1 : 1;
        if (!isNew || busy >= gen) {
          oldGen.add(gfn);
        } else {
          newGen.add(gfn << BUSY_BITS | busy);
        }
      }
      // With gen = 0 crosvm drops a busy page from the lists: it stays pinned until the balloon takes it.
    }
    return unpinned;
  }

  /**
   * crosvm's unpin_pages_in_range (force): page by page, clear A and unpin; the first page still mapped stops the
   * request, which then fails as a whole (the balloon gets nothing back), though the pages before it stay unpinned.
   */
  @Override
  long balloonInflate(long ts, long gfn, long pages) {
    long end = gfn + pages;
    long firstMapped = mapped.table().firstInRange(gfn, end);
    long stop = firstMapped < 0 ? end : firstMapped;
    if (stop - gfn <= 2L * pinnedPages.capacity()) {
      for (long g = gfn; g < stop; g++) {
        if (pinnedPages.remove(g) >= 0) {
          countUnpin();
        }
      }
    } else {
      for (long g : pinnedPages.keysInRange(gfn, stop)) {
        pinnedPages.remove(g);
        countUnpin();
      }
    }
    balloonRequestedBytes += pages * PAGE_BYTES;
    long refused = 0;
    if (firstMapped >= 0) {
      if (pinnedPages.contains(firstMapped)) {
        pinnedPages.put(firstMapped, 0);
      }
      refused = pages * PAGE_BYTES;
      balloonRefusedBytes += refused;
    } else {
      balloonReclaimedBytes += pages * PAGE_BYTES;
    }
    setPinned(ts, pinnedPages.size());
    return refused;
  }

  @Override
  void writeState(DataOutput out) throws IOException {
    pinnedPages.writeTo(out);
    newGen.writeTo(out);
    oldGen.writeTo(out);
    out.writeLong(genTick);
    out.writeLong(nextScan);
    out.writeBoolean(callNotified);
    out.writeLong(callSpan);
    out.writeBoolean(unmapCallNotified);
    out.writeBoolean(released);
  }

  @Override
  void readState(DataInput in) throws IOException {
    pinnedPages.readFrom(in);
    newGen.readFrom(in);
    oldGen.readFrom(in);
    genTick = in.readLong();
    nextScan = in.readLong();
    callNotified = in.readBoolean();
    callSpan = in.readLong();
    unmapCallNotified = in.readBoolean();
    released = in.readBoolean();
  }

  @Override
  long dttBytes() {
    return released ? 0 : footprint.bytes();
  }

  @Override
  void release(long ts) {
    pinnedPages.clear();
    newGen.clear();
    oldGen.clear();
    nextScan = Long.MAX_VALUE;
    released = true;
    super.release(ts);
  }
}
