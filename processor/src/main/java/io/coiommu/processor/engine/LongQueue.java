package io.coiommu.processor.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A FIFO of primitive longs in a growable ring, for the LRU lists without one object per page. */
final class LongQueue {

  private long[] ring = new long[16];
  private int head;
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void add(long v) {
    if (size == ring.length) {
      long[] bigger = new long[ring.length << 1];
      for (int k = 0; k < size; k++) {
        bigger[k] = ring[(head + k) & (ring.length - 1)];
      }
      ring = bigger;
      head = 0;
    }
    ring[(head + size) & (ring.length - 1)] = v;
    size++;
  }

  /** Removes and returns the head; the queue must not be empty. */
  long poll() {
    long v = ring[head];
    head = (head + 1) & (ring.length - 1);
    size--;
    if (size == 0) {
      head = 0;
    }
    return v;
  }

  /** The entries in queue order: the LRU lists' order decides which pages a scan reaches first. */
  void writeTo(DataOutput out) throws IOException {
    out.writeInt(size);
    ByteBuffer entries = ByteBuffer.allocate(size * Long.BYTES);
    for (int k = 0; k < size; k++) {
      entries.putLong(ring[(head + k) & (ring.length - 1)]);
    }
    out.write(entries.array());
  }

  void readFrom(DataInput in) throws IOException {
    int n = in.readInt();
    ring = new long[Math.max(16, Integer.highestOneBit(Math.max(1, n - 1)) << 1)];
    head = 0;
    size = n;
    byte[] bytes = new byte[n * Long.BYTES];
    in.readFully(bytes);
    ByteBuffer.wrap(bytes).asLongBuffer().get(ring, 0, n);
  }

  void clear() {
    ring = new long[16];
    head = 0;
    size = 0;
  }
}
