package io.coiommu.processor.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The live mappings of one (VM, device): iova to (gpa, bytes). Unmaps in real traces often carry only the iova, so
 * this is what resolves them to guest pages. Open addressing on primitive arrays; a length of 0 marks an empty slot
 * (a live mapping always has at least one byte).
 */
final class IovaTable {

  private static final int MIN_CAPACITY = 16;

  private long[] iovas = new long[MIN_CAPACITY];
  private long[] gpas = new long[MIN_CAPACITY];
  private long[] lengths = new long[MIN_CAPACITY];
  private int mask = MIN_CAPACITY - 1;
  private int size;

  int size() {
    return size;
  }

  /** Slot of {@code iova}, or -1. */
  int find(long iova) {
    for (int i = index(iova); ; i = (i + 1) & mask) {
      if (lengths[i] == 0) {
        return -1;
      }
      if (iovas[i] == iova) {
        return i;
      }
    }
  }

  long gpaAt(int slot) {
    return gpas[slot];
  }

  long bytesAt(int slot) {
    return lengths[slot];
  }

  /** Adds a mapping for an iova that {@link #find} did not find. */
  void add(long iova, long gpa, long bytes) {
    int i = index(iova);
    while (lengths[i] != 0) {
      i = (i + 1) & mask;
    }
    iovas[i] = iova;
    gpas[i] = gpa;
    lengths[i] = bytes;
    if (++size > (lengths.length >> 2) * 3) {
      rehash(lengths.length << 1);
    }
  }

  void removeAt(int hole) {
    int i = hole;
    for (int j = (i + 1) & mask; lengths[j] != 0; j = (j + 1) & mask) {
      int home = index(iovas[j]);
      if (((j - home) & mask) >= ((j - i) & mask)) {
        iovas[i] = iovas[j];
        gpas[i] = gpas[j];
        lengths[i] = lengths[j];
        i = j;
      }
    }
    lengths[i] = 0;
    size--;
    if (lengths.length > MIN_CAPACITY && size < lengths.length >> 3) {
      rehash(lengths.length >> 1);
    }
  }

  void writeTo(DataOutput out) throws IOException {
    out.writeInt(lengths.length);
    out.writeInt(size);
    for (int k = 0; k < lengths.length; k++) {
      if (lengths[k] != 0) {
        out.writeLong(iovas[k]);
        out.writeLong(gpas[k]);
        out.writeLong(lengths[k]);
      }
    }
  }

  static IovaTable readFrom(DataInput in) throws IOException {
    IovaTable t = new IovaTable();
    int capacity = in.readInt();
    int n = in.readInt();
    t.iovas = new long[capacity];
    t.gpas = new long[capacity];
    t.lengths = new long[capacity];
    t.mask = capacity - 1;
    t.size = n;
    for (int k = 0; k < n; k++) {
      long iova = in.readLong();
      int i = t.index(iova);
      while (t.lengths[i] != 0) {
        i = (i + 1) & t.mask;
      }
      t.iovas[i] = iova;
      t.gpas[i] = in.readLong();
      t.lengths[i] = in.readLong();
    }
    return t;
  }

  private int index(long iova) {
    // iovas are page aligned more often than not: mix the high bits in so aligned keys spread.
    return (int) ((iova * 0x9E3779B97F4A7C15L) >>> 40) & mask;
  }

  private void rehash(int capacity) {
    long[] oi = iovas;
    long[] og = gpas;
    long[] ol = lengths;
    iovas = new long[capacity];
    gpas = new long[capacity];
    lengths = new long[capacity];
    mask = capacity - 1;
    for (int k = 0; k < ol.length; k++) {
      if (ol[k] != 0) {
        int i = index(oi[k]);
        while (lengths[i] != 0) {
          i = (i + 1) & mask;
        }
        iovas[i] = oi[k];
        gpas[i] = og[k];
        lengths[i] = ol[k];
      }
    }
  }
}
