package io.coiommu.processor.engine;

/**
 * The open-addressing core shared by the engine's primitive hash tables: linear probing from a
 * Fibonacci-hashed home slot, backward-shift deletion (so lookups never meet tombstones), at most
 * 3/4 full and halved below 1/32.
 *
 * <p>A subclass owns the slot storage (primitive arrays, no boxing) and its own lookup, which is
 * the hot path and so compares its slots directly; this class keeps what must agree between
 * insertion, deletion and resizing: the home of a key, the probe order and the load bounds. A slot
 * is empty or holds one entry whose key {@link #keyAt} gives.
 */
abstract sealed class ProbeTable permits PageTable, LongLongMap {

  static final int MIN_CAPACITY = 16;

  /** Capacity - 1; the capacity is a power of two. */
  int mask = MIN_CAPACITY - 1;

  int size;

  final int size() {
    return size;
  }

  /** Number of slots, a power of two. */
  final int capacity() {
    return mask + 1;
  }

  abstract boolean isEmpty(int slot);

  /** The key of a non-empty slot. */
  abstract long keyAt(int slot);

  /** Copies the entry of slot {@code from} into slot {@code to}. */
  abstract void move(int from, int to);

  abstract void empty(int slot);

  /**
   * Replaces the storage with an empty one of {@code capacity} slots ({@link #mask} already set for
   * it) and puts every entry of the old one back at {@link #freeSlot} of its key.
   */
  abstract void resize(int capacity);

  /**
   * The home slot of {@code key}. Keys are page aligned iovas or consecutive frame numbers: the
   * multiply mixes their low bits into the high ones this takes.
   */
  final int home(long key) {
    return (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
  }

  /** The first empty slot of {@code key}'s probe run, where an absent key goes. */
  final int freeSlot(long key) {
    int i = home(key);
    while (!isEmpty(i)) {
      i = (i + 1) & mask;
    }
    return i;
  }

  /** Counts an entry just written to an empty slot, growing the table past 3/4 full. */
  final void added() {
    if (++size > (capacity() >> 2) * 3) {
      rebuild(capacity() << 1);
    }
  }

  /** Removes the entry of slot {@code hole}; the table may shrink, so slots move. */
  final void deleteAt(int hole) {
    // Backward shift: pull each later entry of the probe run whose home is not between the hole
    // and itself into the hole, so every entry stays reachable from its home without tombstones.
    int i = hole;
    for (int j = (i + 1) & mask; !isEmpty(j); j = (j + 1) & mask) {
      if (((j - home(keyAt(j))) & mask) >= ((j - i) & mask)) {
        move(j, i);
        i = j;
      }
    }
    empty(i);
    size--;
    // Below 1/32, not 1/8: a device's mappings swing with its bursts (a NIC maps a ring, then
    // unmaps most of it), and halving at 1/8 rebuilt the table on every swing only to double it
    // again on the next burst (coiommu lru alone, sample: 1.09x faster at 1/32, engine heap per VM
    // unchanged). Shrinking still follows a table that empties for good, at a rebuild per halving.
    if (capacity() > MIN_CAPACITY && size < capacity() >> 5) {
      rebuild(capacity() >> 1);
    }
  }

  private void rebuild(int capacity) {
    mask = capacity - 1;
    resize(capacity);
  }
}
