package io.coiommu.producer.synthetic;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A guest IOMMU driver's I/O virtual address allocator, shaped like Linux's: allocations top-down
 * below 4 GiB (the 32-bit DMA window drivers prefer), sizes rounded up to a power of two pages, and
 * freed ranges cached per size and reused last-in first-out (the IOVA rcache). Space in use stays
 * bounded by what is mapped at once.
 */
final class IovaSpace {

  private static final long TOP = 1L << 32;
  private static final long BOTTOM = 1L << 20;

  private final Map<Long, ArrayDeque<Long>> cached = new HashMap<>();
  private long next = TOP;

  /** Start of a free range of at least {@code bytes} (page-aligned). */
  long allocate(long bytes) {
    long size = roundedSize(bytes);
    ArrayDeque<Long> reuse = cached.get(size);
    if (reuse != null && !reuse.isEmpty()) {
      return reuse.pop();
    }
    long base = (next - size) & -size;
    if (base < BOTTOM) {
      throw new IllegalStateException("synthetic IOVA space exhausted: too much mapped at once");
    }
    next = base;
    return base;
  }

  void release(long base, long bytes) {
    cached.computeIfAbsent(roundedSize(bytes), s -> new ArrayDeque<>()).push(base);
  }

  private static long roundedSize(long bytes) {
    long pages = Math.max(1, (bytes + GuestPages.PAGE - 1) >>> GuestPages.PAGE_SHIFT);
    long pow2 = Long.bitCount(pages) == 1 ? pages : Long.highestOneBit(pages) << 1;
    return pow2 << GuestPages.PAGE_SHIFT;
  }
}
