package io.coiommu.processor.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The guest's view of its DMA mappings, shared by every scenario of one VM: per page, how many live
 * mappings refer to it. It is the same for every policy (they all see the same map and unmap
 * calls), so it is kept once per VM; the policies whose pinned set is exactly the mapped set
 * (viommu-strict, virtio-iommu, oracle) need nothing else.
 *
 * <p>Most mapped pages have exactly one mapping, so the counts are a bitmap of mapped pages plus,
 * only for pages with two or more, a bitmap of those and a table of the count above 1: a map or
 * unmap touches the table only where mappings overlap. Each map or unmap also records how many
 * pages crossed between 0 and 1 mappings; which pages they are is {@link #pages()} within the range
 * (after a map, every page of it is mapped; after an unmap, the pages of it no longer mapped are
 * exactly those that crossed).
 */
final class MappedPages {

  /** Map count ceiling of the coIOMMU guest driver's DTT entry (DTTE_MAP_CNT_MASK). */
  static final int MAX_MAP_COUNT = 0xFFFF;

  private final PageBitmap pages = new PageBitmap();

  /** Pages with two or more mappings. */
  private final PageBitmap shared = new PageBitmap();

  /** Count - 1 of the pages in {@link #shared}. */
  private final PageTable extra = new PageTable();

  private long peak;
  private long transitions;

  /** Where a map stopped on a count overflow: the word, and the pages of it already raised. */
  private long failedWord;

  private long raisedInFailedWord;

  private final PageBitmap.WordVisitor mapWord = this::mapWord;
  private final PageBitmap.WordVisitor unmapWord = this::unmapWord;

  long mapped() {
    return pages.cardinality();
  }

  boolean isMapped(long gfn) {
    return pages.get(gfn);
  }

  /** The mapped pages (count > 0); read only. */
  PageBitmap pages() {
    return pages;
  }

  /** Peak of {@link #mapped()} since the last {@link #resetPeak()}. */
  long peak() {
    return peak;
  }

  void resetPeak() {
    peak = mapped();
  }

  /**
   * Adds one mapping to each page of [gfn, gfn + pages). Returns false, changing nothing, when a
   * page would exceed {@link #MAX_MAP_COUNT} (the guest driver refuses such a map).
   */
  boolean map(long gfn, long n) {
    transitions = 0;
    if (!mapWord.forEachWord(gfn, gfn + n)) {
      undoMap(gfn, failedWord, raisedInFailedWord);
      return false;
    }
    if (mapped() > peak) {
      peak = mapped();
    }
    return true;
  }

  private boolean mapWord(long wi, long m) {
    long again = pages.word(wi) & m;
    for (long bits = again; bits != 0; bits &= bits - 1) {
      long g = (wi << 6) + Long.numberOfTrailingZeros(bits);
      if (extra.add(g, 1) + 1 > MAX_MAP_COUNT) {
        extra.add(g, -1);
        failedWord = wi;
        raisedInFailedWord = again & ~bits;
        return false;
      }
    }
    pages.orWord(wi, m);
    if (again != 0) {
      shared.orWord(wi, again);
    }
    transitions += Long.bitCount(m & ~again);
    return true;
  }

  /**
   * Takes back a map that failed in word {@code failedWord}: the words before it are fully applied,
   * and in it only the counts of {@code raisedInFailedWord} were raised.
   */
  private void undoMap(long gfn, long failedWord, long raisedInFailedWord) {
    for (long bits = raisedInFailedWord; bits != 0; bits &= bits - 1) {
      extra.add((failedWord << 6) + Long.numberOfTrailingZeros(bits), -1);
    }
    if (failedWord << 6 > gfn) {
      unmap(gfn, (failedWord << 6) - gfn);
    }
    transitions = 0;
  }

  /** Drops one mapping from each page of [gfn, gfn + pages); every page must be mapped. */
  void unmap(long gfn, long n) {
    transitions = 0;
    unmapWord.forEachWord(gfn, gfn + n);
  }

  private boolean unmapWord(long wi, long m) {
    long multi = shared.word(wi) & m;
    long single = m & ~multi;
    if (single != 0) {
      pages.clearWord(wi, single);
      transitions += Long.bitCount(single);
    }
    for (long bits = multi; bits != 0; bits &= bits - 1) {
      int bit = Long.numberOfTrailingZeros(bits);
      if (extra.add((wi << 6) + bit, -1) == 0) {
        shared.clearWord(wi, 1L << bit);
      }
    }
    return true;
  }

  /**
   * Pages that went from 0 to 1 mapping (after {@link #map}) or from 1 to 0 (after {@link #unmap}).
   */
  long transitionCount() {
    return transitions;
  }

  void writeTo(DataOutput out) throws IOException {
    pages.writeTo(out);
    shared.writeTo(out);
    extra.writeTo(out);
    out.writeLong(peak);
  }

  void readFrom(DataInput in) throws IOException {
    pages.readFrom(in);
    shared.readFrom(in);
    extra.readFrom(in);
    peak = in.readLong();
    transitions = 0;
  }

  void clear() {
    pages.clear();
    shared.clear();
    extra.clear();
    transitions = 0;
  }
}
