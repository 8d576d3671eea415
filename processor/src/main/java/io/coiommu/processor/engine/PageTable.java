package io.coiommu.processor.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Guest frame number to small value (at most 24 bits), as an open-addressing hash table of packed
 * longs.
 *
 * <p>Every policy keeps per-page state only for the pages of the DMA working set, never for the
 * whole guest, so a 1 TiB guest that maps 100 MiB costs what a 1 GiB guest does. One slot is one
 * long: {@code (gfn + 1) << 24 | value} (0 marks an empty slot), so a tracked page costs 8 bytes
 * divided by the load factor, with no boxing. Probing, deletion and resizing are {@link
 * ProbeTable}'s.
 */
final class PageTable extends ProbeTable {

  static final int VALUE_BITS = 24;
  static final int MAX_VALUE = (1 << VALUE_BITS) - 1;

  /**
   * Exclusive bound of the frame numbers it holds: 46-bit guest physical addresses, as x86-64 with
   * 4-level paging.
   */
  static final long GFN_LIMIT = 1L << 34;

  private static final long VALUE_MASK = MAX_VALUE;

  private long[] slots = new long[MIN_CAPACITY];

  /** The value of {@code gfn}, or -1 when absent. */
  int get(long gfn) {
    int i = find(gfn);
    return i < 0 ? -1 : (int) (slots[i] & VALUE_MASK);
  }

  boolean contains(long gfn) {
    return find(gfn) >= 0;
  }

  /** Sets the value of {@code gfn}; returns the previous value or -1 when it was absent. */
  int put(long gfn, int value) {
    int i = find(gfn);
    long packed = (tag(gfn) << VALUE_BITS) | value;
    if (i < 0) {
      slots[-i - 1] = packed;
      added();
      return -1;
    }
    int old = (int) (slots[i] & VALUE_MASK);
    slots[i] = packed;
    return old;
  }

  /**
   * Adds {@code delta} to the value of {@code gfn} (absent counts as 0); removes it when the sum is
   * 0.
   */
  int add(long gfn, int delta) {
    int i = find(gfn);
    if (i < 0) {
      if (delta != 0) {
        slots[-i - 1] = (tag(gfn) << VALUE_BITS) | delta;
        added();
      }
      return delta;
    }
    int v = (int) (slots[i] & VALUE_MASK) + delta;
    if (v == 0) {
      deleteAt(i);
    } else {
      slots[i] = (tag(gfn) << VALUE_BITS) | v;
    }
    return v;
  }

  /** Removes {@code gfn}; returns its value or -1 when it was absent. */
  int remove(long gfn) {
    int i = find(gfn);
    if (i < 0) {
      return -1;
    }
    int old = (int) (slots[i] & VALUE_MASK);
    deleteAt(i);
    return old;
  }

  /** The slot holding {@code gfn}, or {@code -(empty slot where it would go) - 1}. */
  private int find(long gfn) {
    long tag = tag(gfn);
    for (int i = home(gfn); ; i = (i + 1) & mask) {
      long s = slots[i];
      if (s == 0) {
        return -i - 1;
      }
      if ((s >>> VALUE_BITS) == tag) {
        return i;
      }
    }
  }

  void clear() {
    slots = new long[MIN_CAPACITY];
    mask = MIN_CAPACITY - 1;
    size = 0;
  }

  /** The present entries only (8 bytes each), so a snapshot costs what the working set does. */
  void writeTo(DataOutput out) throws IOException {
    out.writeInt(slots.length);
    out.writeInt(size);
    // One bulk write: DataOutput's writeLong per entry would dominate the cost of a commit.
    ByteBuffer entries = ByteBuffer.allocate(size * Long.BYTES);
    for (long s : slots) {
      if (s != 0) {
        entries.putLong(s);
      }
    }
    out.write(entries.array());
  }

  void readFrom(DataInput in) throws IOException {
    int capacity = in.readInt();
    int n = in.readInt();
    slots = new long[capacity];
    mask = capacity - 1;
    size = n;
    byte[] bytes = new byte[n * Long.BYTES];
    in.readFully(bytes);
    ByteBuffer entries = ByteBuffer.wrap(bytes);
    for (int k = 0; k < n; k++) {
      long s = entries.getLong();
      slots[freeSlot(key(s))] = s;
    }
  }

  private static long tag(long gfn) {
    return gfn + 1;
  }

  private static long key(long slot) {
    return (slot >>> VALUE_BITS) - 1;
  }

  @Override
  boolean isEmpty(int slot) {
    return slots[slot] == 0;
  }

  @Override
  long keyAt(int slot) {
    return key(slots[slot]);
  }

  @Override
  void move(int from, int to) {
    slots[to] = slots[from];
  }

  @Override
  void empty(int slot) {
    slots[slot] = 0;
  }

  @Override
  void resize(int capacity) {
    long[] old = slots;
    slots = new long[capacity];
    for (long s : old) {
      if (s != 0) {
        slots[freeSlot(key(s))] = s;
      }
    }
  }
}
