package io.coiommu.producer.synthetic;

import java.util.Arrays;

/**
 * A guest IOMMU driver's I/O virtual address allocator, shaped like Linux's: allocations top-down
 * below 4 GiB (the 32-bit DMA window drivers prefer), sizes rounded up to a power of two pages, and
 * freed ranges cached per size and reused last-in first-out (the IOVA rcache). Space in use stays
 * bounded by what is mapped at once.
 */
final class IovaSpace {

  private static final long TOP = 1L << 32;
  private static final long BOTTOM = 1L << 20;

  /**
   * Freed bases per size, a stack per power of two (index log2 of the size in bytes): sizes are
   * powers of two, so an array indexed by the exponent replaces a map keyed by boxed sizes.
   */
  private final long[][] cached = new long[Long.SIZE][];

  private final int[] depth = new int[Long.SIZE];
  private long next = TOP;

  /** Start of a free range of at least {@code bytes} (page-aligned). */
  long allocate(long bytes) {
    long size = roundedSize(bytes);
    int k = Long.numberOfTrailingZeros(size);
    if (depth[k] > 0) {
      return cached[k][--depth[k]];
    }
    long base = (next - size) & -size;
    if (base < BOTTOM) {
      throw new IllegalStateException("synthetic IOVA space exhausted: too much mapped at once");
    }
    next = base;
    return base;
  }

  void release(long base, long bytes) {
    int k = Long.numberOfTrailingZeros(roundedSize(bytes));
    long[] stack = cached[k];
    if (stack == null) {
      stack = cached[k] = new long[16];
    } else if (depth[k] == stack.length) {
      stack = cached[k] = Arrays.copyOf(stack, 2 * stack.length);
    }
    stack[depth[k]++] = base;
  }

  private static long roundedSize(long bytes) {
    long pages = Math.max(1, (bytes + GuestPages.PAGE - 1) >>> GuestPages.PAGE_SHIFT);
    long pow2 = Long.bitCount(pages) == 1 ? pages : Long.highestOneBit(pages) << 1;
    return pow2 << GuestPages.PAGE_SHIFT;
  }
}
