package io.coiommu.processor.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A map of long keys to non-zero long values, open addressing on two primitive arrays (a value of 0
 * marks an empty slot), linear probing with backward-shift deletion, at most 3/4 full.
 */
final class LongLongMap {

  private static final int MIN_CAPACITY = 16;

  private long[] keys = new long[MIN_CAPACITY];
  private long[] values = new long[MIN_CAPACITY];
  private int mask = MIN_CAPACITY - 1;
  private int size;

  int size() {
    return size;
  }

  /** Slot of {@code key}, or -1. */
  int find(long key) {
    for (int i = index(key); ; i = (i + 1) & mask) {
      if (values[i] == 0) {
        return -1;
      }
      if (keys[i] == key) {
        return i;
      }
    }
  }

  long valueAt(int slot) {
    return values[slot];
  }

  /** Number of slots: a scan visits slots 0 to this, skipping those whose value is 0 (empty). */
  int slots() {
    return values.length;
  }

  long keyAt(int slot) {
    return keys[slot];
  }

  /** Adds a key that {@link #find} did not find, with a non-zero value. */
  void add(long key, long value) {
    int i = index(key);
    while (values[i] != 0) {
      i = (i + 1) & mask;
    }
    keys[i] = key;
    values[i] = value;
    if (++size > (values.length >> 2) * 3) {
      rehash(values.length << 1);
    }
  }

  void removeAt(int hole) {
    int i = hole;
    for (int j = (i + 1) & mask; values[j] != 0; j = (j + 1) & mask) {
      int home = index(keys[j]);
      if (((j - home) & mask) >= ((j - i) & mask)) {
        keys[i] = keys[j];
        values[i] = values[j];
        i = j;
      }
    }
    values[i] = 0;
    size--;
    if (values.length > MIN_CAPACITY && size < values.length >> 3) {
      rehash(values.length >> 1);
    }
  }

  /** Entries only (16 bytes each), in slot order. */
  void writeTo(DataOutput out) throws IOException {
    out.writeInt(values.length);
    out.writeInt(size);
    ByteBuffer b = ByteBuffer.allocate(size * 2 * Long.BYTES);
    for (int k = 0; k < values.length; k++) {
      if (values[k] != 0) {
        b.putLong(keys[k]);
        b.putLong(values[k]);
      }
    }
    out.write(b.array());
  }

  void readFrom(DataInput in) throws IOException {
    int capacity = in.readInt();
    int n = in.readInt();
    keys = new long[capacity];
    values = new long[capacity];
    mask = capacity - 1;
    size = 0;
    byte[] bytes = new byte[n * 2 * Long.BYTES];
    in.readFully(bytes);
    ByteBuffer b = ByteBuffer.wrap(bytes);
    for (int k = 0; k < n; k++) {
      long key = b.getLong();
      add(key, b.getLong());
    }
  }

  private int index(long key) {
    // Keys (iovas) are page aligned more often than not: mix the high bits in so aligned keys
    // spread.
    return (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
  }

  private void rehash(int capacity) {
    long[] oldKeys = keys;
    long[] oldValues = values;
    keys = new long[capacity];
    values = new long[capacity];
    mask = capacity - 1;
    for (int k = 0; k < oldValues.length; k++) {
      if (oldValues[k] != 0) {
        int i = index(oldKeys[k]);
        while (values[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[k];
        values[i] = oldValues[k];
      }
    }
  }
}
