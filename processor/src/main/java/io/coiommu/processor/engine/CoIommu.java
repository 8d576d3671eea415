package io.coiommu.processor.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * coIOMMU with crosvm's semantics (devices/src/pci/coiommu.rs and the ChromeOS guest driver kernel/dma/coiommu.c).
 *
 * <p>The DMA tracking table entry of a page holds P (pinned, host-written), A (accessed, set by the guest on map and
 * cleared by the host's scan) and the map count. The map count is the guest's and equals the VM's
 * {@link MappedPages} count, so this class keeps only P and A, as bitmaps with A set only where P is.
 *
 * <p>The LRU unpin worker is crosvm's: pages enter the NEW list when pinned; every interval a scan pops entries and
 * tries to unpin each (only an entry equal to P alone, i.e. count 0 and A clear, unpins); a page that cannot be unpinned
 * has A cleared and goes back, to the OLD list once busy for {@code gen} scans; the OLD list is scanned every
 * {@code gen}-th interval, first, and the limit is shared between the two lists. The lists hold runs of pages
 * ({@link PageRuns}) and a scan handles 64 pages of a run per step, with the same outcome for each page as crosvm's
 * page-by-page loop.
 *
 * <p>The {@code lazy=off} ablation unpins at unmap time, which crosvm never does, so its list rule is this project's:
 * a page keeps at most one entry ({@link #listed}). Its eagerly unpinned pages keep their entries, and a page pinned
 * again while its entry is still listed is not appended twice; otherwise the lists would grow with every pin of the
 * interval (megabytes per busy NIC) instead of with the pages. Its pinned set is unaffected: with eager unpinning a
 * pinned page is a mapped page, which no scan unpins.
 */
final class CoIommu extends Policy {

  /** P: pages pinned by the host. */
  private final PageBitmap pinnedPages = new PageBitmap();
  /** A: pinned pages the guest mapped since the last scan that reached them. */
  private final PageBitmap accessed = new PageBitmap();
  private final DttFootprint footprint;
  /** crosvm's new_gen_pinned_pages, each run with its unpin_busy_cnt; a page may appear more than once, as there. */
  private final PageRuns newGen = new PageRuns();
  /** crosvm's old_gen_pinned_pages. */
  private final PageRuns oldGen = new PageRuns();
  /** With {@code lazy=off} only: the pages that have an entry in NEW or OLD (each has exactly one). */
  private final PageBitmap listed = new PageBitmap();
  private final boolean onePerPage;
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
    this.onePerPage = !scenario.lazy();
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
    for (long wi = gfn >>> 6, last = (end - 1) >>> 6; wi <= last; wi++) {
      long m = PageBitmap.mask(wi, gfn, end);
      // The guest has raised the count (MappedPages) and sets A; the pages without P form the call's pin request.
      long toPin = m & ~pinnedPages.orWord(wi, m);
      accessed.orWord(wi, m);
      if (toPin != 0) {
        if (!callNotified) {
          notifyHost();
        }
        pinned(wi, toPin);
      }
    }
    if (!scenario.smart() && !callNotified) {
      notifyHost();
    }
    if (callNotified && !notifiedBefore && scenario.pinAhead() > 0) {
      pinAhead(end);
    }
    setPinned(ts, pinnedPages.cardinality());
  }

  private void notifyHost() {
    callNotified = true;
    trap(false);
    if (callSpan == spanSeq) {
      mapCallsNoExit--;
    }
  }

  /** Counts the pins of the pages of {@code bits} in word {@code wi}, just set in P, and lists them in NEW. */
  private void pinned(long wi, long bits) {
    int n = Long.bitCount(bits);
    pins += n;
    // crosvm pins page by page: one VFIO map of 4 KiB each.
    vfioMaps += n;
    if (lru) {
      addRuns(newGen, wi, onePerPage ? bits & ~listed.orWord(wi, bits) : bits, 0);
    }
  }

  /** Appends the pages of {@code bits} in word {@code wi} to {@code list}, in increasing order, as runs. */
  private static void addRuns(PageRuns list, long wi, long bits, int busy) {
    while (bits != 0) {
      int from = Long.numberOfTrailingZeros(bits);
      int len = Long.numberOfTrailingZeros(~(bits >>> from));
      list.add((wi << 6) + from, len, busy);
      bits &= len == 64 ? 0 : ~(((1L << len) - 1) << from);
    }
  }

  /** Speculative pinning of the pages after the range that notified; the host can set P only where a DTT leaf exists. */
  private void pinAhead(long from) {
    long to = Math.min(from + scenario.pinAhead(), PageTable.GFN_LIMIT);
    for (long g = from; g < to; g++) {
      if (footprint.hasEntry(g) && !pinnedPages.get(g)) {
        pinnedPages.set(g);
        pinned(g >>> 6, 1L << g);
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
    if (mapped.transitionCount() == 0) {
      return;
    }
    if (!unmapCallNotified) {
      unmapCallNotified = true;
      trap(false);
    }
    // The pages of the range no longer mapped are exactly those whose count this unmap dropped to 0.
    long end = gfn + pages;
    for (long wi = gfn >>> 6, last = (end - 1) >>> 6; wi <= last; wi++) {
      long unmapped = PageBitmap.mask(wi, gfn, end) & ~mapped.pages().word(wi);
      if (unmapped != 0) {
        accessed.clearWord(wi, unmapped);
        countUnpins(Long.bitCount(pinnedPages.clearWord(wi, unmapped) & unmapped));
      }
    }
    setPinned(ts, pinnedPages.cardinality());
  }

  private void countUnpins(long n) {
    unpins += n;
    vfioUnmaps += n;
    // Each VFIO unmap syncs the physical IOTLB.
    iotlbInvalidations += n;
  }

  @Override
  long countMappedUnpinned(long gfn, long pages) {
    return mapped.pages().countAndNot(gfn, gfn + pages, pinnedPages);
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
    setPinned(ts, pinnedPages.cardinality());
  }

  /**
   * crosvm's lru_unpin_pages_in_loop over one list: visits each page listed at the start at most once, in list order,
   * stops right after the {@code limit}-th unpin (the rest of that run goes back in front), and puts busy pages back
   * at the tail (the unvisited rest stays in front of them, as crosvm's append after the loop leaves it).
   */
  private long scan(PageRuns list, boolean isNew, long limit) {
    int gen = scenario.gen();
    long unpinned = 0;
    list.beginScan();
    for (int i = 0, n = list.size(); i < n; i++) {
      if (limit != Scenario.UNLIMITED && unpinned == limit) {
        break;
      }
      long run = list.poll();
      long from = PageRuns.gfn(run);
      long end = from + PageRuns.length(run);
      int busy = isNew ? PageRuns.busy(run) + 1 : 1;
      // A busy page ages: from NEW to OLD once busy gen scans in a row; with gen = 0 crosvm drops it from the lists
      // (it stays pinned until the balloon takes it).
      PageRuns requeue = gen == 0 ? null : !isNew || busy >= gen ? oldGen : newGen;
      int requeueBusy = requeue == newGen ? busy : 0;
      for (long wi = from >>> 6, last = (end - 1) >>> 6; wi <= last; wi++) {
        long visit = PageBitmap.mask(wi, from, end);
        // Per page, crosvm's unpin_page outcome: NotPinned (P clear: dropped), Unpinned (count 0 and A clear) or
        // NotUnpinned (A is cleared and the page goes back on a list).
        long p = pinnedPages.word(wi) & visit;
        long unpin = p & ~accessed.word(wi) & ~mapped.pages().word(wi);
        long left = limit == Scenario.UNLIMITED ? Long.MAX_VALUE : limit - unpinned;
        if (Long.bitCount(unpin) >= left) {
          // The limit-th unpin ends the scan: the pages after it in this run stay unvisited.
          long lastUnpin = unpin;
          for (long k = 1; k < left; k++) {
            lastUnpin &= lastUnpin - 1;
          }
          long lastBit = Long.lowestOneBit(lastUnpin);
          visit &= lastBit | (lastBit - 1);
          p &= visit;
          unpin &= visit;
        }
        long notUnpinned = p & ~unpin;
        scanVisits += Long.bitCount(visit);
        if (onePerPage) {
          // Every visited page leaves the list but those that go back on one.
          listed.clearWord(wi, requeue == null ? visit : visit & ~notUnpinned);
        }
        if (unpin != 0) {
          pinnedPages.clearWord(wi, unpin);
          long k = Long.bitCount(unpin);
          countUnpins(k);
          unpinned += k;
        }
        if (notUnpinned != 0) {
          // Clear A so that the next scan can tell whether the guest mapped it again.
          accessed.clearWord(wi, notUnpinned);
          if (requeue != null) {
            addRuns(requeue, wi, notUnpinned, requeueBusy);
          }
        }
        if (limit != Scenario.UNLIMITED && unpinned == limit) {
          long next = (wi << 6) + 64 - Long.numberOfLeadingZeros(visit);
          if (next < end) {
            list.pushFront(next, (int) (end - next), PageRuns.busy(run));
          }
          break;
        }
      }
    }
    list.endScan();
    return unpinned;
  }

  /**
   * crosvm's unpin_pages_in_range (force): page by page, clear A and unpin; the first page still mapped stops the
   * request, which then fails as a whole (the balloon gets nothing back), though the pages before it stay unpinned.
   */
  @Override
  long balloonInflate(long ts, long gfn, long pages) {
    long end = gfn + pages;
    long firstMapped = mapped.pages().first(gfn, end);
    long stop = firstMapped < 0 ? end : firstMapped;
    accessed.clearRange(gfn, stop);
    countUnpins(pinnedPages.clearRange(gfn, stop));
    balloonRequestedBytes += pages * PAGE_BYTES;
    long refused = 0;
    if (firstMapped >= 0) {
      accessed.clear(firstMapped);
      refused = pages * PAGE_BYTES;
      balloonRefusedBytes += refused;
    } else {
      balloonReclaimedBytes += pages * PAGE_BYTES;
    }
    setPinned(ts, pinnedPages.cardinality());
    return refused;
  }

  @Override
  void writeState(DataOutput out) throws IOException {
    pinnedPages.writeTo(out);
    accessed.writeTo(out);
    newGen.writeTo(out);
    oldGen.writeTo(out);
    listed.writeTo(out);
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
    accessed.readFrom(in);
    newGen.readFrom(in);
    oldGen.readFrom(in);
    listed.readFrom(in);
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
    accessed.clear();
    newGen.clear();
    oldGen.clear();
    listed.clear();
    nextScan = Long.MAX_VALUE;
    released = true;
    super.release(ts);
  }
}
