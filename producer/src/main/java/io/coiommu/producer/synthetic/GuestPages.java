package io.coiommu.producer.synthetic;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The guest's page allocator, as far as DMA buffers and the balloon see it. Most allocations reuse
 * the most recently freed page, as the kernel's per-CPU page lists do: a page that just held a DMA
 * buffer is likely the next one to hold another, which is what makes lazily unpinned pages matter.
 * The rest come from memory DMA has not touched yet (the rest of the kernel takes the other freed
 * pages), so over a long run the set of pages that ever held DMA buffers slowly grows, as it does
 * in a real guest. Untouched memory is a bump pointer above the low memory the kernel itself
 * occupies; free pages are kept as runs of consecutive frames, so a deflated balloon of gigabytes
 * costs one entry.
 */
public final class GuestPages {

  public static final int PAGE = 4096;
  public static final int PAGE_SHIFT = 12;

  /** Share of single-page allocations served by the most recently freed page. */
  static final double REUSE = 0.9;

  private final long endGfn;
  private final SplittableRandom random;
  private long bumpGfn;

  /** Stack of free runs: first frame and length; allocation takes the last frame of the top run. */
  private long[] runFirst = new long[64];

  private long[] runLength = new long[64];
  private int runs;

  GuestPages(long guestBytes, SplittableRandom random) {
    this.endGfn = guestBytes >>> PAGE_SHIFT;
    this.random = random;
    // Kernel image, page tables and early allocations live low; leave them an eighth, at least 16
    // MiB.
    this.bumpGfn = Math.max(4096, endGfn / 8);
  }

  /**
   * One free page: usually the most recently freed one, else one DMA has not used yet while there
   * is any.
   */
  public long allocPage() {
    boolean untouchedLeft = bumpGfn < endGfn;
    if (runs > 0 && (!untouchedLeft || random.nextDouble() < REUSE)) {
      int top = runs - 1;
      long gfn = runFirst[top] + --runLength[top];
      if (runLength[top] == 0) {
        runs--;
      }
      return gfn;
    }
    return allocRun(1);
  }

  /** {@code pages} physically contiguous never-used pages; returns the first gfn. */
  public long allocRun(long pages) {
    return allocRun(pages, 1);
  }

  /**
   * As {@link #allocRun(long)}, the first gfn a multiple of {@code alignPages} (a power of two).
   */
  public long allocRun(long pages, long alignPages) {
    long first = (bumpGfn + alignPages - 1) & -alignPages;
    if (first + pages > endGfn) {
      throw new IllegalStateException(
          "synthetic guest of "
              + (endGfn >>> 8)
              + " MiB has no "
              + (pages >>> 8)
              + " MiB left: give the VM more memory or the workload a smaller footprint");
    }
    bumpGfn = first + pages;
    return first;
  }

  public void freePage(long gfn) {
    freeRun(gfn, 1);
  }

  public void freeRun(long firstGfn, long pages) {
    if (runs > 0 && runFirst[runs - 1] + runLength[runs - 1] == firstGfn) {
      runLength[runs - 1] += pages;
      return;
    }
    if (runs == runFirst.length) {
      runFirst = Arrays.copyOf(runFirst, runs * 2);
      runLength = Arrays.copyOf(runLength, runs * 2);
    }
    runFirst[runs] = firstGfn;
    runLength[runs] = pages;
    runs++;
  }
}
