package io.coiommu.processor.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A set of guest frame numbers as bitmap words, grouped in chunks of 512 pages held in a primitive open-addressing map
 * from chunk index to its 8 words. Range operations work 64 pages per step and report how many bits they changed,
 * which is what the policies count (pins, unpins). Chunks whose words all became 0 are freed once they outnumber the
 * others by 128 (not at once: a set that empties and refills a chunk, as the A bits between scans do, would otherwise
 * free and allocate it every time), so the memory follows the DMA working set and not the guest's size.
 *
 * <p>Not RoaringBitmap: its keys are 32-bit (frame numbers here are 34-bit) and its range operations do not say which
 * or how many bits changed, which every call here needs.
 */
final class PageBitmap {

  private static final int WORD_SHIFT = 6;
  private static final int CHUNK_WORD_SHIFT = 3;
  private static final int CHUNK_WORDS = 1 << CHUNK_WORD_SHIFT;
  private static final int MIN_CAPACITY = 16;
  private static final int REUSED_CAPACITY = 1024;

  /** Chunk index + 1 per slot; 0 marks an empty slot. */
  private long[] keys;
  /** Offset in {@link #pool} of the slot's words. */
  private int[] offsets;
  private long[] pool;
  /** Set bits per word block, indexed by offset / 8: tells a chunk that became empty without reading its words. */
  private int[] population;
  /** Chunks in the map whose words are all 0. */
  private int emptyChunks;
  /** Offsets of freed word blocks, reused before the pool grows. */
  private int[] freeBlocks;
  private int freeCount;
  private int poolUsed;
  private int mask;
  private int chunks;
  private long cardinality;
  /** The last chunk looked up and its offset: range operations touch one chunk for up to 8 steps in a row. */
  private long cachedChunk;
  private int cachedOffset;

  PageBitmap() {
    clear();
  }

  /**
   * Empties the set. A small map keeps its arrays: viommu-lazy's held pages are emptied at every flush and refilled
   * right after, and growing the map again each time would cost more than the flush.
   */
  void clear() {
    if (keys != null && keys.length <= REUSED_CAPACITY) {
      java.util.Arrays.fill(keys, 0);
      java.util.Arrays.fill(pool, 0, poolUsed, 0);
      java.util.Arrays.fill(population, 0, poolUsed >>> CHUNK_WORD_SHIFT, 0);
    } else {
      keys = new long[MIN_CAPACITY];
      offsets = new int[MIN_CAPACITY];
      pool = new long[4 * CHUNK_WORDS];
      population = new int[4];
      freeBlocks = new int[4];
      mask = MIN_CAPACITY - 1;
    }
    emptyChunks = 0;
    freeCount = 0;
    poolUsed = 0;
    chunks = 0;
    cardinality = 0;
    cachedChunk = -1;
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
    int i = offset(wordIndex >>> CHUNK_WORD_SHIFT, false);
    return i < 0 ? 0 : pool[i + (int) (wordIndex & (CHUNK_WORDS - 1))];
  }

  /** ORs {@code bits} into a word; returns the word before. */
  long orWord(long wordIndex, long bits) {
    int base = offset(wordIndex >>> CHUNK_WORD_SHIFT, true);
    int i = base + (int) (wordIndex & (CHUNK_WORDS - 1));
    long w = pool[i];
    int added = Long.bitCount(bits & ~w);
    if (added != 0) {
      pool[i] = w | bits;
      cardinality += added;
      if (population[base >>> CHUNK_WORD_SHIFT] == 0) {
        emptyChunks--;
      }
      population[base >>> CHUNK_WORD_SHIFT] += added;
    }
    return w;
  }

  /** Clears {@code bits} of a word; returns the word before. */
  long clearWord(long wordIndex, long bits) {
    int base = offset(wordIndex >>> CHUNK_WORD_SHIFT, false);
    if (base < 0) {
      return 0;
    }
    int i = base + (int) (wordIndex & (CHUNK_WORDS - 1));
    long w = pool[i];
    int removed = Long.bitCount(w & bits);
    if (removed != 0) {
      pool[i] = w & ~bits;
      cardinality -= removed;
      if ((population[base >>> CHUNK_WORD_SHIFT] -= removed) == 0 && ++emptyChunks > (chunks >> 1) + 64) {
        freeEmptyChunks();
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
      if (offset(wi >>> CHUNK_WORD_SHIFT, false) < 0) {
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
      int base = offset(wi >>> CHUNK_WORD_SHIFT, false);
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
      int base = offset(wi >>> CHUNK_WORD_SHIFT, false);
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

  /** Adds the pages of [from, to) that are not in {@code other}; returns how many were not in this set before. */
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

  /** The last word of [from, to), or one before the first when the range is empty (so loops over it do nothing). */
  static long lastWord(long from, long to) {
    return from < to ? (to - 1) >>> WORD_SHIFT : (from >>> WORD_SHIFT) - 1;
  }

  /** Bits of word {@code wi} that lie in [from, to); the word must overlap the range. */
  static long mask(long wi, long from, long to) {
    long lo = Math.max(from, wi << WORD_SHIFT);
    long hi = Math.min(to, (wi + 1) << WORD_SHIFT);
    return (-1L << lo) & (-1L >>> (63 - ((hi - 1) & 63)));
  }

  /** Non-empty chunks only (index and 8 words each), so a snapshot costs what the working set does. */
  void writeTo(DataOutput out) throws IOException {
    int n = chunks - emptyChunks;
    out.writeInt(n);
    ByteBuffer b = ByteBuffer.allocate(n * (CHUNK_WORDS + 1) * Long.BYTES);
    for (int s = 0; s < keys.length; s++) {
      if (keys[s] != 0 && population[offsets[s] >>> CHUNK_WORD_SHIFT] != 0) {
        b.putLong(keys[s] - 1);
        for (int k = 0; k < CHUNK_WORDS; k++) {
          b.putLong(pool[offsets[s] + k]);
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
        long w = b.getLong();
        if (w != 0) {
          orWord((chunk << CHUNK_WORD_SHIFT) + k, w);
        }
      }
    }
  }

  /** Offset of the chunk's words, or -1 when absent and not {@code create}d. */
  private int offset(long chunk, boolean create) {
    if (chunk == cachedChunk) {
      return cachedOffset;
    }
    long tag = chunk + 1;
    int i = index(chunk);
    for (; keys[i] != 0; i = (i + 1) & mask) {
      if (keys[i] == tag) {
        cachedChunk = chunk;
        cachedOffset = offsets[i];
        return cachedOffset;
      }
    }
    if (!create) {
      return -1;
    }
    int off = allocateBlock();
    keys[i] = tag;
    offsets[i] = off;
    // Empty until a bit is set in it.
    emptyChunks++;
    if (++chunks > (keys.length >> 2) * 3) {
      rehash(keys.length << 1);
    }
    cachedChunk = chunk;
    cachedOffset = off;
    return off;
  }

  private int allocateBlock() {
    if (freeCount > 0) {
      return freeBlocks[--freeCount];
    }
    if (poolUsed == pool.length) {
      pool = java.util.Arrays.copyOf(pool, pool.length << 1);
      population = java.util.Arrays.copyOf(population, population.length << 1);
    }
    int off = poolUsed;
    poolUsed += CHUNK_WORDS;
    return off;
  }

  /** Drops every empty chunk in one pass over the map and reuses their word blocks. */
  private void freeEmptyChunks() {
    long[] oldKeys = keys;
    int[] oldOffsets = offsets;
    int capacity = keys.length;
    while (capacity > MIN_CAPACITY && chunks - emptyChunks < capacity >> 3) {
      capacity >>= 1;
    }
    keys = new long[capacity];
    offsets = new int[capacity];
    mask = capacity - 1;
    for (int s = 0; s < oldKeys.length; s++) {
      if (oldKeys[s] == 0) {
        continue;
      }
      int off = oldOffsets[s];
      if (population[off >>> CHUNK_WORD_SHIFT] == 0) {
        if (freeCount == freeBlocks.length) {
          freeBlocks = java.util.Arrays.copyOf(freeBlocks, freeCount << 1);
        }
        freeBlocks[freeCount++] = off;
        continue;
      }
      int i = index(oldKeys[s] - 1);
      while (keys[i] != 0) {
        i = (i + 1) & mask;
      }
      keys[i] = oldKeys[s];
      offsets[i] = off;
    }
    chunks -= emptyChunks;
    emptyChunks = 0;
    cachedChunk = -1;
  }

  private int index(long chunk) {
    return (int) ((chunk * 0x9E3779B97F4A7C15L) >>> 40) & mask;
  }

  private void rehash(int capacity) {
    long[] oldKeys = keys;
    int[] oldOffsets = offsets;
    keys = new long[capacity];
    offsets = new int[capacity];
    mask = capacity - 1;
    for (int s = 0; s < oldKeys.length; s++) {
      if (oldKeys[s] != 0) {
        int i = index(oldKeys[s] - 1);
        while (keys[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[s];
        offsets[i] = oldOffsets[s];
      }
    }
  }
}
