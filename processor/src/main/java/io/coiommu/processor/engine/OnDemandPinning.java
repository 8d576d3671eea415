package io.coiommu.processor.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A policy that pins pages on demand and unpins idle ones later with crosvm's pinned-page
 * bookkeeping and LRU unpin worker (devices/src/pci/coiommu.rs): P (pinned by the host) and A
 * (accessed since the last scan that reached the page, set only where P is), and the NEW and OLD
 * lists of pinned pages.
 *
 * <p>Pages enter the NEW list when pinned; every interval a scan pops entries and tries to unpin
 * each (only a page with no mapping and A clear unpins); a page that cannot be unpinned has A
 * cleared and goes back, to the OLD list once busy for {@code gen} scans; the OLD list is scanned
 * every {@code gen}-th interval, first, and the limit is shared between the two lists. The lists
 * hold runs of pages ({@link PageRuns}) and a scan handles 64 pages of a run per step, with the
 * same outcome for each page as crosvm's page-by-page loop.
 *
 * <p>With {@code onePerPage} a page keeps at most one list entry ({@link #listed}): the rule of
 * coiommu's {@code lazy=off} ablation, whose eagerly unpinned pages would otherwise make the lists
 * grow with every pin.
 */
abstract class OnDemandPinning extends Policy {

  /** P: pages pinned by the host. */
  final PageBitmap pinnedPages = new PageBitmap();

  /** A: pinned pages mapped or accessed since the last scan that reached them. */
  final PageBitmap accessed = new PageBitmap();

  private final UnpinSchedule schedule;
  private final boolean onePerPage;

  /**
   * crosvm's new_gen_pinned_pages, each run with its unpin_busy_cnt; a page may appear more than
   * once, as there.
   */
  private final PageRuns newGen = new PageRuns();

  /** crosvm's old_gen_pinned_pages. */
  private final PageRuns oldGen = new PageRuns();

  /**
   * With {@code onePerPage} only: the pages that have an entry in NEW or OLD (each has exactly
   * one).
   */
  private final PageBitmap listed = new PageBitmap();

  private long genTick;

  OnDemandPinning(
      Scenario scenario,
      PolicyContext context,
      ExitKind exitKind,
      UnpinSchedule schedule,
      boolean onePerPage) {
    super(scenario, context.costs(), context.mapped(), exitKind);
    this.schedule = schedule;
    this.onePerPage = onePerPage;
  }

  @Override
  void start(long ts, long guestPages) {
    super.start(ts, guestPages);
    // crosvm arms the unpin timer only for the lru policy with a non-zero interval.
    if (schedule.lru() && schedule.intervalNs() > 0) {
      setTimer(ts + schedule.intervalNs());
    }
  }

  /**
   * Counts the pins of the pages of {@code bits} in word {@code wi}, just set in P, and lists them
   * in NEW.
   */
  final void countPins(long wi, long bits) {
    int n = Long.bitCount(bits);
    add(Counter.PINS, n);
    // crosvm pins page by page: one VFIO map of 4 KiB each.
    add(Counter.VFIO_MAPS, n);
    if (schedule.lru()) {
      addRuns(newGen, wi, onePerPage ? bits & ~listed.orWord(wi, bits) : bits, 0);
    }
  }

  final void countUnpins(long n) {
    add(Counter.UNPINS, n);
    add(Counter.VFIO_UNMAPS, n);
    // Each VFIO unmap syncs the physical IOTLB.
    add(Counter.IOTLB_INVALIDATIONS, n);
  }

  /**
   * Appends the pages of {@code bits} in word {@code wi} to {@code list}, in increasing order, as
   * runs.
   */
  private static void addRuns(PageRuns list, long wi, long bits, int busy) {
    while (bits != 0) {
      int from = Long.numberOfTrailingZeros(bits);
      int len = Long.numberOfTrailingZeros(~(bits >>> from));
      list.add((wi << 6) + from, len, busy);
      bits &= len == 64 ? 0 : ~(((1L << len) - 1) << from);
    }
  }

  @Override
  final boolean keepsOwnPins() {
    return true;
  }

  @Override
  long countMappedUnpinned(long gfn, long pages) {
    return mapped.pages().countAndNot(gfn, gfn + pages, pinnedPages);
  }

  @Override
  final boolean timerHasWork() {
    return !newGen.isEmpty() || !oldGen.isEmpty();
  }

  /**
   * The scan due at {@link #nextTimerNs()}: OLD first every {@code gen}-th interval, then NEW,
   * sharing the limit.
   */
  @Override
  final void fireTimer(long ts) {
    setTimer(nextTimerNs() + schedule.intervalNs());
    long limit = schedule.limit();
    long unpinned = 0;
    int gen = schedule.gen();
    if (gen != 0 && ++genTick == gen) {
      genTick = 0;
      unpinned = scan(oldGen, false, limit);
    }
    scan(
        newGen,
        true,
        limit == UnpinSchedule.UNLIMITED ? UnpinSchedule.UNLIMITED : Math.max(0, limit - unpinned));
    setPinned(ts, pinnedPages.cardinality());
  }

  /**
   * crosvm's lru_unpin_pages_in_loop over one list: visits each page listed at the start at most
   * once, in list order, stops right after the {@code limit}-th unpin (the rest of that run goes
   * back in front), and puts busy pages back at the tail (the unvisited rest stays in front of
   * them, as crosvm's append after the loop leaves it).
   */
  private long scan(PageRuns list, boolean isNew, long limit) {
    int gen = schedule.gen();
    PageBitmap mappedPages = mapped.pages();
    long unpinned = 0;
    list.beginScan();
    for (int i = 0, n = list.size(); i < n; i++) {
      if (limit != UnpinSchedule.UNLIMITED && unpinned == limit) {
        break;
      }
      long run = list.poll();
      long from = PageRuns.gfn(run);
      long end = from + PageRuns.length(run);
      int busy = isNew ? PageRuns.busy(run) + 1 : 1;
      // A busy page ages: from NEW to OLD once busy gen scans in a row; with gen = 0 crosvm drops
      // it from the lists
      // (it stays pinned until the balloon takes it).
      PageRuns requeue = gen == 0 ? null : !isNew || busy >= gen ? oldGen : newGen;
      int requeueBusy = requeue == newGen ? busy : 0;
      for (long wi = from >>> 6, last = (end - 1) >>> 6; wi <= last; wi++) {
        long visit = PageBitmap.mask(wi, from, end);
        // Per page, crosvm's unpin_page outcome: NotPinned (P clear: dropped), Unpinned (count 0
        // and A clear) or
        // NotUnpinned (A is cleared and the page goes back on a list).
        long p = pinnedPages.word(wi) & visit;
        long unpin = p & ~accessed.word(wi) & ~mappedPages.word(wi);
        long left = limit == UnpinSchedule.UNLIMITED ? Long.MAX_VALUE : limit - unpinned;
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
        add(Counter.SCAN_VISITS, Long.bitCount(visit));
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
          // Clear A so that the next scan can tell whether the page was used again.
          accessed.clearWord(wi, notUnpinned);
          if (requeue != null) {
            addRuns(requeue, wi, notUnpinned, requeueBusy);
          }
        }
        if (limit != UnpinSchedule.UNLIMITED && unpinned == limit) {
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
   * crosvm's unpin_pages_in_range (force), for a balloon inflate: page by page, clear A and unpin;
   * the first page still mapped stops the request, which then fails as a whole (the balloon gets
   * nothing back), though the pages before it stay unpinned.
   */
  @Override
  final long balloonInflate(long ts, long gfn, long pages) {
    long end = gfn + pages;
    long firstMapped = mapped.pages().first(gfn, end);
    long stop = firstMapped < 0 ? end : firstMapped;
    accessed.clearRange(gfn, stop);
    countUnpins(pinnedPages.clearRange(gfn, stop));
    add(Counter.BALLOON_REQUESTED_BYTES, pages * PAGE_BYTES);
    long refused = 0;
    if (firstMapped >= 0) {
      accessed.clear(firstMapped);
      refused = pages * PAGE_BYTES;
      add(Counter.BALLOON_REFUSED_BYTES, refused);
    } else {
      add(Counter.BALLOON_RECLAIMED_BYTES, pages * PAGE_BYTES);
    }
    setPinned(ts, pinnedPages.cardinality());
    return refused;
  }

  /** VM_STOP: nothing stays pinned or listed, and no scan comes any more. */
  @Override
  void release(long ts) {
    pinnedPages.clear();
    accessed.clear();
    newGen.clear();
    oldGen.clear();
    listed.clear();
    setTimer(Long.MAX_VALUE);
    super.release(ts);
  }

  /** P, A, the lists and the scan clock; a subclass with state of its own writes it after these. */
  @Override
  void writeState(DataOutput out) throws IOException {
    pinnedPages.writeTo(out);
    accessed.writeTo(out);
    newGen.writeTo(out);
    oldGen.writeTo(out);
    listed.writeTo(out);
    out.writeLong(genTick);
    out.writeLong(nextTimerNs());
  }

  @Override
  void readState(DataInput in) throws IOException {
    pinnedPages.readFrom(in);
    accessed.readFrom(in);
    newGen.readFrom(in);
    oldGen.readFrom(in);
    listed.readFrom(in);
    genTick = in.readLong();
    setTimer(in.readLong());
  }
}
