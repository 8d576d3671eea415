package io.coiommu.producer.synthetic;

import java.util.Arrays;

/**
 * The guest's page allocator, as far as DMA buffers and the balloon see it. Freed pages are handed
 * out again last-in first-out, as the kernel's per-CPU page lists do: a page that just held a DMA
 * buffer is the next one to be reused, which is what makes lazily unpinned pages matter.
 * Fresh pages come from a bump pointer above the low memory the kernel itself occupies.
 */
public final class GuestPages {

  public static final int PAGE = 4096;
  public static final int PAGE_SHIFT = 12;

  private final long endGfn;
  private long bumpGfn;
  private long[] free = new long[256];
  private int freeCount;

  GuestPages(long guestBytes) {
    this.endGfn = guestBytes >>> PAGE_SHIFT;
    // Kernel image, page tables and early allocations live low; leave them an eighth, at least 16 MiB.
    this.bumpGfn = Math.max(4096, endGfn / 8);
  }

  /** One free page, the most recently freed first. */
  public long allocPage() {
    if (freeCount > 0) {
      return free[--freeCount];
    }
    return allocRun(1);
  }

  /** {@code pages} physically contiguous never-used pages; returns the first gfn. */
  public long allocRun(long pages) {
    return allocRun(pages, 1);
  }

  /** As {@link #allocRun(long)}, the first gfn a multiple of {@code alignPages} (a power of two). */
  public long allocRun(long pages, long alignPages) {
    long first = (bumpGfn + alignPages - 1) & -alignPages;
    if (first + pages > endGfn) {
      throw new IllegalStateException("synthetic guest of " + (endGfn >>> 8) + " MiB has no "
          + (pages >>> 8) + " MiB left: give the VM more memory or the workload a smaller footprint");
    }
    bumpGfn = first + pages;
    return first;
  }

  public void freePage(long gfn) {
    if (freeCount == free.length) {
      free = Arrays.copyOf(free, free.length * 2);
    }
    free[freeCount++] = gfn;
  }

  public void freeRun(long firstGfn, long pages) {
    for (long g = firstGfn + pages - 1; g >= firstGfn; g--) {
      freePage(g);
    }
  }
}
