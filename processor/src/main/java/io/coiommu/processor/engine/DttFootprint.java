package io.coiommu.processor.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Memory of coIOMMU's DMA tracking table, as the ChromeOS guest driver lays it out: a radix tree
 * whose leaves hold 1024 32-bit entries (one per guest page) and whose upper levels hold 512 64-bit
 * entries, each table one 4 KiB page. The depth comes from the guest's physical address width (46
 * bits on x86-64 with 4-level paging: 34-bit frame numbers, 10 bits in a leaf, then 9 per level, so
 * 4 levels) and not from its memory size. The root is allocated when the driver enables the DTT;
 * every other table on the first map that needs it. The driver frees empty tables only from a
 * shrinker under guest memory pressure, which a trace does not show, so tables are never freed
 * here.
 */
final class DttFootprint {

  static final int PAGE_BYTES = 4096;
  static final int LEAF_SHIFT = 10;
  static final int UPPER_SHIFT = 9;

  /** Levels below the root: leaves (level 1), level 2 and level 3; the root is level 4. */
  private final PageTable[] tables = {new PageTable(), new PageTable(), new PageTable()};

  private long lastLeaf = -1;

  /** Allocates the tables the guest needs to mark [gfn, gfn + pages). */
  void touch(long gfn, long pages) {
    long firstLeaf = gfn >>> LEAF_SHIFT;
    long lastLeafOfRange = (gfn + pages - 1) >>> LEAF_SHIFT;
    for (long leaf = firstLeaf; leaf <= lastLeafOfRange; leaf++) {
      if (leaf == lastLeaf) {
        continue;
      }
      lastLeaf = leaf;
      if (tables[0].put(leaf, 0) < 0) {
        long upper = leaf;
        for (int level = 1; level < tables.length; level++) {
          upper >>>= UPPER_SHIFT;
          if (tables[level].put(upper, 0) >= 0) {
            break;
          }
        }
      }
    }
  }

  /**
   * Whether the leaf holding {@code gfn}'s entry exists: the host cannot set P on a page without
   * one.
   */
  boolean hasEntry(long gfn) {
    return tables[0].contains(gfn >>> LEAF_SHIFT);
  }

  void writeTo(DataOutput out) throws IOException {
    for (PageTable t : tables) {
      t.writeTo(out);
    }
    out.writeLong(lastLeaf);
  }

  void readFrom(DataInput in) throws IOException {
    for (PageTable t : tables) {
      t.readFrom(in);
    }
    lastLeaf = in.readLong();
  }

  long bytes() {
    long pages = 1;
    for (PageTable t : tables) {
      pages += t.size();
    }
    return pages * PAGE_BYTES;
  }
}
