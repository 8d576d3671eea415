package io.coiommu.processor.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The live mappings of one (VM, device): iova to (gpa, bytes). Unmaps in real traces often carry
 * only the iova, so this is what resolves them to guest pages.
 *
 * <p>A mapping is one long beside its iova: the 46-bit gpa and, in the low 18 bits, its length. A
 * length that does not fit in 18 bits (256 KiB and more) is marked by the 18 bits all set and kept
 * in a second map by iova: such a mapping covers 64 pages or more, so its second entry costs under
 * a byte per page, and the common small mapping costs one 16-byte slot instead of three longs.
 */
final class IovaTable {

  private static final int LENGTH_BITS = 18;
  private static final long LONG_MAPPING = (1L << LENGTH_BITS) - 1;

  private final LongLongMap mappings = new LongLongMap();

  /** iova to length, for the mappings of {@link #LONG_MAPPING} bytes or more. */
  private final LongLongMap longLengths = new LongLongMap();

  int size() {
    return mappings.size();
  }

  /** Slot of {@code iova}, or -1. */
  int find(long iova) {
    return mappings.find(iova);
  }

  long gpaAt(int slot) {
    return mappings.valueAt(slot) >>> LENGTH_BITS;
  }

  long bytesAt(int slot, long iova) {
    long length = mappings.valueAt(slot) & LONG_MAPPING;
    return length != LONG_MAPPING ? length : longLengths.valueAt(longLengths.find(iova));
  }

  /**
   * The iovas of the mappings that overlap [start, end), in iova order. A scan of every mapping:
   * only an unmap by range that names no mapping's first iova comes here (an exact iova is a hash
   * hit).
   */
  long[] overlapping(long start, long end) {
    long[] found = new long[4];
    int n = 0;
    for (int slot = 0; slot < mappings.slots(); slot++) {
      if (mappings.valueAt(slot) == 0) {
        continue;
      }
      long iova = mappings.keyAt(slot);
      if (iova < end && start < iova + bytesAt(slot, iova)) {
        if (n == found.length) {
          found = Arrays.copyOf(found, n * 2);
        }
        found[n++] = iova;
      }
    }
    long[] sorted = Arrays.copyOf(found, n);
    Arrays.sort(sorted);
    return sorted;
  }

  /**
   * Adds a mapping for an iova that {@link #find} did not find; gpa below 2^46, bytes at least 1.
   */
  void add(long iova, long gpa, long bytes) {
    if (bytes >= LONG_MAPPING) {
      longLengths.add(iova, bytes);
      mappings.add(iova, gpa << LENGTH_BITS | LONG_MAPPING);
    } else {
      mappings.add(iova, gpa << LENGTH_BITS | bytes);
    }
  }

  void removeAt(int slot, long iova) {
    if ((mappings.valueAt(slot) & LONG_MAPPING) == LONG_MAPPING) {
      longLengths.deleteAt(longLengths.find(iova));
    }
    mappings.deleteAt(slot);
  }

  void writeTo(DataOutput out) throws IOException {
    mappings.writeTo(out);
    longLengths.writeTo(out);
  }

  static IovaTable readFrom(DataInput in) throws IOException {
    IovaTable t = new IovaTable();
    t.mappings.readFrom(in);
    t.longLengths.readFrom(in);
    return t;
  }
}
