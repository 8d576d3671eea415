package io.coiommu.processor.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A set of guest frame numbers as bitmap words, in chunks of 512 pages (8 words). Range operations
 * work 64 pages per step and report how many bits they changed, which is what the policies count
 * (pins, unpins). A chunk is freed as soon as its last bit is cleared, so the words follow the DMA
 * working set and not the guest's size.
 *
 * <p>Chunks are found through a two-level directory, as a page table does: a leaf of 128 chunk
 * slots covers 256 MiB of guest memory, and the leaves are found by region in a {@link PageTable}.
 * A VM's DMA buffers sit in a few such regions, so the last leaf used almost always answers and a
 * lookup is one array read. A leaf costs 512 bytes per region touched: leaves of 2 GiB (4 KiB) were
 * half of the engine's heap per VM on a 1,000-VM fleet, a dozen bitmaps per VM each with its own
 * leaves, most of their slots empty.
 *
 * <p>Not RoaringBitmap: its keys are 32-bit (frame numbers here are 34-bit) and its range
 * operations do not say which or how many bits changed, which every call here needs.
 */
final class PageBitmap {

  private static final int WORD_SHIFT = 6;
  private static final int CHUNK_WORD_SHIFT = 3;
  private static final int CHUNK_WORDS = 1 << CHUNK_WORD_SHIFT;
  private static final int LEAF_SHIFT = 7;
  private static final int LEAF_MASK = (1 << LEAF_SHIFT) - 1;

  /**
   * Regions per area of 2 GiB, the leaf of snapshot format 4 and earlier: a snapshot lists chunks
   * in the order of those leaves (area by area, as first touched, chunks by address within each).
   */
  private static final int AREA_SHIFT = 10 - LEAF_SHIFT;

  /** Region (chunk >>> 10) to its index in {@link #leaves}. */
  private final PageTable regions = new PageTable();

  /** Per leaf slot: offset of the chunk's words in {@link #pool} + 1; 0 for an absent chunk. */
  private int[][] leaves = new int[1][];

  /** Region of each leaf, in the order the leaves were made. */
  private long[] leafRegions = new long[1];

  private long cachedRegion = -1;
  private int[] cachedLeaf;
  private long[] pool = new long[4 * CHUNK_WORDS];

  /** Set bits per word block, indexed by offset / 8: a chunk whose count reaches 0 is freed. */
  private int[] population = new int[4];

  /** Offsets of freed word blocks (all zero), reused before the pool grows. */
  private int[] freeBlocks = new int[4];

  private int freeCount;
  private int poolUsed;
  private int chunks;
  private long cardinality;

  /**
   * Empties the set. The directory and the pool stay: viommu-lazy's held pages are emptied at every
   * flush and refilled right after, and building them again each time would cost more than the
   * flush.
   */
  void clear() {
    for (int i = 0; i < regions.size(); i++) {
      Arrays.fill(leaves[i], 0);
    }
    Arrays.fill(pool, 0, poolUsed, 0);
    Arrays.fill(population, 0, poolUsed >>> CHUNK_WORD_SHIFT, 0);
    freeCount = 0;
    poolUsed = 0;
    chunks = 0;
    cardinality = 0;
  }

  /** Pages in the set. */
  long cardinality() {
    return cardinality;
  }

  boolean get(long gfn) {
    return (word(gfn >>> WORD_SHIFT) & (1L << gfn)) != 0;
  }

  /** The 64 pages from {@code wordIndex << 6}, as bits. */
  long word(long wordIndex) {
    int i = offset(wordIndex >>> CHUNK_WORD_SHIFT);
    return i < 0 ? 0 : pool[i + (int) (wordIndex & (CHUNK_WORDS - 1))];
  }

  /** ORs {@code bits} into a word; returns the word before. */
  long orWord(long wordIndex, long bits) {
    long chunk = wordIndex >>> CHUNK_WORD_SHIFT;
    int[] leaf = leaf(chunk >>> LEAF_SHIFT, true);
    int slot = (int) chunk & LEAF_MASK;
    int base = leaf[slot] - 1;
    if (base < 0) {
      if (bits == 0) {
        return 0;
      }
      base = allocateBlock();
      leaf[slot] = base + 1;
      chunks++;
    }
    int i = base + (int) (wordIndex & (CHUNK_WORDS - 1));
    long w = pool[i];
    int added = Long.bitCount(bits & ~w);
    if (added != 0) {
      pool[i] = w | bits;
      cardinality += added;
      population[base >>> CHUNK_WORD_SHIFT] += added;
    }
    return w;
  }

  /** Clears {@code bits} of a word; returns the word before. */
  long clearWord(long wordIndex, long bits) {
    long chunk = wordIndex >>> CHUNK_WORD_SHIFT;
    int[] leaf = leaf(chunk >>> LEAF_SHIFT, false);
    if (leaf == null) {
      return 0;
    }
    int slot = (int) chunk & LEAF_MASK;
    int base = leaf[slot] - 1;
    if (base < 0) {
      return 0;
    }
    int i = base + (int) (wordIndex & (CHUNK_WORDS - 1));
    long w = pool[i];
    int removed = Long.bitCount(w & bits);
    if (removed != 0) {
      pool[i] = w & ~bits;
      cardinality -= removed;
      if ((population[base >>> CHUNK_WORD_SHIFT] -= removed) == 0) {
        // Its words are all 0 again: the block can be handed out as it is.
        leaf[slot] = 0;
        chunks--;
        if (freeCount == freeBlocks.length) {
          freeBlocks = Arrays.copyOf(freeBlocks, freeCount << 1);
        }
        freeBlocks[freeCount++] = base;
      }
    }
    return w;
  }

  void set(long gfn) {
    orWord(gfn >>> WORD_SHIFT, 1L << gfn);
  }

  void clear(long gfn) {
    clearWord(gfn >>> WORD_SHIFT, 1L << gfn);
  }

  /** Adds [from, to); returns how many pages were not in the set before. */
  long setRange(long from, long to) {
    long added = 0;
    for (long wi = from >>> WORD_SHIFT, last = lastWord(from, to); wi <= last; wi++) {
      long m = mask(wi, from, to);
      added += Long.bitCount(m & ~orWord(wi, m));
    }
    return added;
  }

  /** Removes [from, to); returns how many pages were in the set. */
  long clearRange(long from, long to) {
    long removed = 0;
    for (long wi = from >>> WORD_SHIFT, last = lastWord(from, to); wi <= last; wi++) {
      if (offset(wi >>> CHUNK_WORD_SHIFT) < 0) {
        wi |= CHUNK_WORDS - 1;
        continue;
      }
      long m = mask(wi, from, to);
      removed += Long.bitCount(m & clearWord(wi, m));
    }
    return removed;
  }

  /** Pages of [from, to) in the set. */
  long count(long from, long to) {
    return countAndNot(from, to, null);
  }

  /** Pages of [from, to) in this set and not in {@code other} (null: in this set). */
  long countAndNot(long from, long to, PageBitmap other) {
    long n = 0;
    for (long wi = from >>> WORD_SHIFT, last = lastWord(from, to); wi <= last; wi++) {
      int base = offset(wi >>> CHUNK_WORD_SHIFT);
      if (base < 0) {
        wi |= CHUNK_WORDS - 1;
        continue;
      }
      long w = pool[base + (int) (wi & (CHUNK_WORDS - 1))] & mask(wi, from, to);
      if (other != null && w != 0) {
        w &= ~other.word(wi);
      }
      n += Long.bitCount(w);
    }
    return n;
  }

  /** The smallest page of [from, to) in the set, or -1. */
  long first(long from, long to) {
    for (long wi = from >>> WORD_SHIFT, last = lastWord(from, to); wi <= last; wi++) {
      int base = offset(wi >>> CHUNK_WORD_SHIFT);
      if (base < 0) {
        wi |= CHUNK_WORDS - 1;
        continue;
      }
      long w = pool[base + (int) (wi & (CHUNK_WORDS - 1))] & mask(wi, from, to);
      if (w != 0) {
        return (wi << WORD_SHIFT) + Long.numberOfTrailingZeros(w);
      }
    }
    return -1;
  }

  /**
   * Adds the pages of [from, to) that are not in {@code other}; returns how many were not in this
   * set before.
   */
  long setAndNot(long from, long to, PageBitmap other) {
    long added = 0;
    for (long wi = from >>> WORD_SHIFT, last = lastWord(from, to); wi <= last; wi++) {
      long m = mask(wi, from, to) & ~other.word(wi);
      if (m != 0) {
        added += Long.bitCount(m & ~orWord(wi, m));
      }
    }
    return added;
  }

  /**
   * What a walk over a page range does with each bitmap word of it. The policies keep theirs in a
   * field (a method reference made once), so a walk allocates nothing.
   */
  @FunctionalInterface
  interface WordVisitor {
    /**
     * Visits word {@code wi} of the range, {@code bits} being the pages of the range in it (never
     * 0); returns false to end the walk there.
     */
    boolean visit(long wi, long bits);

    /**
     * Visits the words of [from, to) in increasing order, with the range's bits of each; returns
     * false when the visitor ended the walk.
     *
     * <p>An instance method, not a static one taking the visitor: each caller walks with one
     * visitor class, so the JIT inlines this walk there knowing the visitor's class and inlines
     * {@link #visit} too. Through one shared static loop, every walk of every policy made one
     * megamorphic interface call per word (issue #15's engine slowdown).
     */
    default boolean forEachWord(long from, long to) {
      for (long wi = from >>> WORD_SHIFT, last = lastWord(from, to); wi <= last; wi++) {
        if (!visit(wi, mask(wi, from, to))) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * The last word of [from, to), or one before the first when the range is empty (so loops over it
   * do nothing).
   */
  static long lastWord(long from, long to) {
    return from < to ? (to - 1) >>> WORD_SHIFT : (from >>> WORD_SHIFT) - 1;
  }

  /** Bits of word {@code wi} that lie in [from, to); the word must overlap the range. */
  static long mask(long wi, long from, long to) {
    long lo = Math.max(from, wi << WORD_SHIFT);
    long hi = Math.min(to, (wi + 1) << WORD_SHIFT);
    return (-1L << lo) & (-1L >>> (63 - ((hi - 1) & 63)));
  }

  /**
   * Present chunks only (index and 8 words each), so a snapshot costs what the working set does.
   */
  void writeTo(DataOutput out) throws IOException {
    out.writeInt(chunks);
    ByteBuffer b = ByteBuffer.allocate(chunks * (CHUNK_WORDS + 1) * Long.BYTES);
    // readFrom does not depend on the order; this one keeps the bytes of the 2 GiB leaves.
    for (int l : snapshotOrder()) {
      long region = leafRegions[l];
      int[] leaf = leaves[l];
      for (int slot = 0; slot <= LEAF_MASK; slot++) {
        if (leaf[slot] != 0) {
          b.putLong(region << LEAF_SHIFT | slot);
          for (int k = 0; k < CHUNK_WORDS; k++) {
            b.putLong(pool[leaf[slot] - 1 + k]);
          }
        }
      }
    }
    out.write(b.array());
  }

  void readFrom(DataInput in) throws IOException {
    clear();
    int n = in.readInt();
    byte[] bytes = new byte[n * (CHUNK_WORDS + 1) * Long.BYTES];
    in.readFully(bytes);
    ByteBuffer b = ByteBuffer.wrap(bytes);
    for (int c = 0; c < n; c++) {
      long chunk = b.getLong();
      for (int k = 0; k < CHUNK_WORDS; k++) {
        orWord((chunk << CHUNK_WORD_SHIFT) + k, b.getLong());
      }
    }
  }

  /**
   * The leaves in snapshot order: areas (2 GiB) in the order their first leaf was made, the leaves
   * of an area by address, so that chunks come in the order the 2 GiB leaves gave them.
   */
  private int[] snapshotOrder() {
    int n = regions.size();
    // Leaf indexes sorted by region, so each area's leaves are contiguous and by address.
    long[] byRegion = new long[n];
    for (int l = 0; l < n; l++) {
      byRegion[l] = leafRegions[l] << 32 | l;
    }
    Arrays.sort(byRegion);
    // Each area's run, keyed by the first leaf made in it.
    long[] areas = new long[n];
    int areaCount = 0;
    for (int from = 0, to; from < n; from = to) {
      long area = (byRegion[from] >>> 32) >>> AREA_SHIFT;
      int firstMade = Integer.MAX_VALUE;
      for (to = from; to < n && (byRegion[to] >>> 32) >>> AREA_SHIFT == area; to++) {
        firstMade = Math.min(firstMade, (int) byRegion[to]);
      }
      areas[areaCount++] = (long) firstMade << 32 | from;
    }
    Arrays.sort(areas, 0, areaCount);
    int[] order = new int[n];
    int k = 0;
    for (int a = 0; a < areaCount; a++) {
      long area = (byRegion[(int) areas[a]] >>> 32) >>> AREA_SHIFT;
      for (int i = (int) areas[a]; i < n && (byRegion[i] >>> 32) >>> AREA_SHIFT == area; i++) {
        order[k++] = (int) byRegion[i];
      }
    }
    return order;
  }

  /** Offset of the chunk's words, or -1 when absent. */
  private int offset(long chunk) {
    int[] leaf = leaf(chunk >>> LEAF_SHIFT, false);
    return leaf == null ? -1 : leaf[(int) chunk & LEAF_MASK] - 1;
  }

  /** The leaf of {@code region}, or null when absent and not {@code create}d. */
  private int[] leaf(long region, boolean create) {
    if (region == cachedRegion) {
      return cachedLeaf;
    }
    int i = regions.get(region);
    if (i < 0) {
      if (!create) {
        return null;
      }
      i = regions.size();
      if (i == leaves.length) {
        leaves = Arrays.copyOf(leaves, i << 1);
        leafRegions = Arrays.copyOf(leafRegions, i << 1);
      }
      leaves[i] = new int[LEAF_MASK + 1];
      leafRegions[i] = region;
      regions.put(region, i);
    }
    cachedRegion = region;
    cachedLeaf = leaves[i];
    return cachedLeaf;
  }

  private int allocateBlock() {
    if (freeCount > 0) {
      return freeBlocks[--freeCount];
    }
    if (poolUsed == pool.length) {
      pool = Arrays.copyOf(pool, pool.length << 1);
      population = Arrays.copyOf(population, population.length << 1);
    }
    int off = poolUsed;
    poolUsed += CHUNK_WORDS;
    return off;
  }
}
