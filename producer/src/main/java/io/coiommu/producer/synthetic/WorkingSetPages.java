package io.coiommu.producer.synthetic;

import java.util.Arrays;

/**
 * The guest page (gfn) that holds each slot of a file working set, or -1 for a slot never used. A
 * working set is sized for the whole file (up to 512 MiB, 131,072 slots) while a run touches only
 * part of it, so the slots are kept in blocks of {@link #BLOCK} made on first use: memory follows
 * the slots used, not the file, which is what lets a fleet of thousands of storage VMs fit.
 */
final class WorkingSetPages {

  private static final int BLOCK_SHIFT = 6;
  private static final int BLOCK = 1 << BLOCK_SHIFT;

  private final int slots;
  private final int[][] blocks;

  WorkingSetPages(int slots) {
    this.slots = slots;
    this.blocks = new int[(slots + BLOCK - 1) >>> BLOCK_SHIFT][];
  }

  int slots() {
    return slots;
  }

  /** The gfn in {@code slot}, or -1 before its first use. */
  long gfn(int slot) {
    int[] block = blocks[slot >>> BLOCK_SHIFT];
    return block == null ? -1 : block[slot & (BLOCK - 1)];
  }

  /** Puts {@code gfn} (below 2^31: guests up to 8 TiB) in {@code slot}. */
  void set(int slot, long gfn) {
    int[] block = blocks[slot >>> BLOCK_SHIFT];
    if (block == null) {
      block = blocks[slot >>> BLOCK_SHIFT] = new int[BLOCK];
      Arrays.fill(block, -1);
    }
    block[slot & (BLOCK - 1)] = Math.toIntExact(gfn);
  }
}
