package io.coiommu.processor.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The guest's view of its DMA mappings, shared by every scenario of one VM: per page, how many live mappings refer to
 * it. It is the same for every policy (they all see the same map and unmap calls), so it is kept once per VM; the
 * policies whose pinned set is exactly the mapped set (viommu-strict, virtio-iommu, oracle) need nothing else.
 *
 * <p>Each map or unmap also records which pages crossed between 0 and 1 mappings, in a reused scratch array, so the
 * policies that react to those transitions do not walk the range again.
 */
final class MappedPages {

  /** Map count ceiling of the coIOMMU guest driver's DTT entry (DTTE_MAP_CNT_MASK). */
  static final int MAX_MAP_COUNT = 0xFFFF;

  private final PageTable counts = new PageTable();
  private long peak;
  private long[] transitions = new long[64];
  private int transitionCount;

  long mapped() {
    return counts.size();
  }

  int count(long gfn) {
    int c = counts.get(gfn);
    return c < 0 ? 0 : c;
  }

  boolean isMapped(long gfn) {
    return counts.contains(gfn);
  }

  PageTable table() {
    return counts;
  }

  /** Peak of {@link #mapped()} since the last {@link #resetPeak()}. */
  long peak() {
    return peak;
  }

  void resetPeak() {
    peak = counts.size();
  }

  /**
   * Adds one mapping to each page of [gfn, gfn + pages). Returns false, changing nothing, when a page would exceed
   * {@link #MAX_MAP_COUNT} (the guest driver refuses such a map).
   */
  boolean map(long gfn, long pages) {
    transitionCount = 0;
    long end = gfn + pages;
    for (long g = gfn; g < end; g++) {
      int c = counts.add(g, 1);
      if (c > MAX_MAP_COUNT) {
        for (long u = gfn; u <= g; u++) {
          counts.add(u, -1);
        }
        transitionCount = 0;
        return false;
      }
      if (c == 1) {
        recordTransition(g);
      }
    }
    if (counts.size() > peak) {
      peak = counts.size();
    }
    return true;
  }

  /** Drops one mapping from each page of [gfn, gfn + pages); every page must be mapped. */
  void unmap(long gfn, long pages) {
    transitionCount = 0;
    long end = gfn + pages;
    for (long g = gfn; g < end; g++) {
      if (counts.add(g, -1) == 0) {
        recordTransition(g);
      }
    }
  }

  /** Pages that went from 0 to 1 mapping (after {@link #map}) or from 1 to 0 (after {@link #unmap}). */
  int transitionCount() {
    return transitionCount;
  }

  long transition(int k) {
    return transitions[k];
  }

  /** The counts and the peak; the transitions are scratch, read right after the map or unmap that wrote them. */
  void writeTo(DataOutput out) throws IOException {
    counts.writeTo(out);
    out.writeLong(peak);
  }

  void readFrom(DataInput in) throws IOException {
    counts.readFrom(in);
    peak = in.readLong();
    transitionCount = 0;
  }

  void clear() {
    counts.clear();
    transitionCount = 0;
  }

  private void recordTransition(long g) {
    if (transitionCount == transitions.length) {
      transitions = java.util.Arrays.copyOf(transitions, transitionCount << 1);
    }
    transitions[transitionCount++] = g;
  }
}
