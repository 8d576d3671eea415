package io.coiommu.processor.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A map of long keys to non-zero long values on two primitive arrays (a value of 0 marks an empty
 * slot); probing, deletion and resizing are {@link ProbeTable}'s.
 */
final class LongLongMap extends ProbeTable {

  private long[] keys = new long[MIN_CAPACITY];
  private long[] values = new long[MIN_CAPACITY];

  /** Slot of {@code key}, or -1. */
  int find(long key) {
    for (int i = home(key); ; i = (i + 1) & mask) {
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

  @Override
  long keyAt(int slot) {
    return keys[slot];
  }

  /** Adds a key that {@link #find} did not find, with a non-zero value. */
  void add(long key, long value) {
    int i = freeSlot(key);
    keys[i] = key;
    values[i] = value;
    added();
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

  @Override
  boolean isEmpty(int slot) {
    return values[slot] == 0;
  }

  @Override
  void move(int from, int to) {
    keys[to] = keys[from];
    values[to] = values[from];
  }

  @Override
  void empty(int slot) {
    values[slot] = 0;
  }

  @Override
  void resize(int capacity) {
    long[] oldKeys = keys;
    long[] oldValues = values;
    keys = new long[capacity];
    values = new long[capacity];
    for (int k = 0; k < oldValues.length; k++) {
      if (oldValues[k] != 0) {
        int i = freeSlot(oldKeys[k]);
        keys[i] = oldKeys[k];
        values[i] = oldValues[k];
      }
    }
  }
}
