package io.coiommu.processor.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A map of long keys to non-zero long values (a value of 0 marks an empty slot); probing, deletion
 * and resizing are {@link ProbeTable}'s.
 *
 * <p>Slot {@code i}'s key and value sit side by side in one array ({@code entries[2i]} and {@code
 * [2i + 1]}), so a lookup reads one cache line where two arrays made it read two: an iova table of
 * a VM among a thousand is cold whenever that VM's batch comes, and its lookups were a good part of
 * the engine's cost there.
 */
final class LongLongMap extends ProbeTable {

  private long[] entries = new long[2 * MIN_CAPACITY];

  /** Slot of {@code key}, or -1. */
  int find(long key) {
    long[] e = entries;
    for (int i = home(key); ; i = (i + 1) & mask) {
      long value = e[2 * i + 1];
      if (value == 0) {
        return -1;
      }
      if (e[2 * i] == key) {
        return i;
      }
    }
  }

  long valueAt(int slot) {
    return entries[2 * slot + 1];
  }

  /** Number of slots: a scan visits slots 0 to this, skipping those whose value is 0 (empty). */
  int slots() {
    return entries.length >> 1;
  }

  @Override
  long keyAt(int slot) {
    return entries[2 * slot];
  }

  /** Adds a key that {@link #find} did not find, with a non-zero value. */
  void add(long key, long value) {
    int i = freeSlot(key);
    entries[2 * i] = key;
    entries[2 * i + 1] = value;
    added();
  }

  /** Entries only (16 bytes each), in slot order. */
  void writeTo(DataOutput out) throws IOException {
    out.writeInt(slots());
    out.writeInt(size);
    ByteBuffer b = ByteBuffer.allocate(size * 2 * Long.BYTES);
    for (int k = 0; k < entries.length; k += 2) {
      if (entries[k + 1] != 0) {
        b.putLong(entries[k]);
        b.putLong(entries[k + 1]);
      }
    }
    out.write(b.array());
  }

  void readFrom(DataInput in) throws IOException {
    int capacity = in.readInt();
    int n = in.readInt();
    entries = new long[2 * capacity];
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
    return entries[2 * slot + 1] == 0;
  }

  @Override
  void move(int from, int to) {
    entries[2 * to] = entries[2 * from];
    entries[2 * to + 1] = entries[2 * from + 1];
  }

  @Override
  void empty(int slot) {
    entries[2 * slot + 1] = 0;
  }

  @Override
  void resize(int capacity) {
    long[] old = entries;
    entries = new long[2 * capacity];
    for (int k = 0; k < old.length; k += 2) {
      if (old[k + 1] != 0) {
        int i = freeSlot(old[k]);
        entries[2 * i] = old[k];
        entries[2 * i + 1] = old[k + 1];
      }
    }
  }
}
