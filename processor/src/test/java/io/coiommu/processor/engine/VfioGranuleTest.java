package io.coiommu.processor.engine;

import static io.coiommu.processor.engine.VfioGranule.ALIGNED_BLOCK;
import static io.coiommu.processor.engine.VfioGranule.PAGE_TABLE_LEAF;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * How many VFIO calls QEMU makes for one guest range, per device model (docs/policies.md Q9, V5).
 */
class VfioGranuleTest {

  private static final long SUPER = VfioGranule.SUPERPAGE_PAGES;

  @Test
  void vtdHandsVfioOneCallPerFourKibLeaf() {
    assertThat(PAGE_TABLE_LEAF.mapCalls(0x10, 0x99, 1)).isEqualTo(1);
    assertThat(PAGE_TABLE_LEAF.mapCalls(0x10, 0x99, 16)).isEqualTo(16);
    assertThat(PAGE_TABLE_LEAF.unmapCalls(0x10, 16)).isEqualTo(16);
  }

  @Test
  void vtdMapsASuperpageWhereIovaAndGuestPageShareTheTwoMibOffset() {
    // 2 MiB at 2 MiB-aligned IOVA and guest page: one superpage leaf.
    assertThat(PAGE_TABLE_LEAF.mapCalls(SUPER, 7 * SUPER, SUPER)).isEqualTo(1);
    // 3 pages before the block, one block, 5 pages after it.
    assertThat(PAGE_TABLE_LEAF.mapCalls(SUPER - 3, 7 * SUPER - 3, SUPER + 8)).isEqualTo(3 + 1 + 5);
    // The guest page one page off the IOVA's alignment: no superpage, a leaf per page.
    assertThat(PAGE_TABLE_LEAF.mapCalls(SUPER, 7 * SUPER + 1, SUPER)).isEqualTo(SUPER);
    // Less than a whole block: per page.
    assertThat(PAGE_TABLE_LEAF.mapCalls(SUPER, 7 * SUPER, SUPER - 1)).isEqualTo(SUPER - 1);
  }

  @Test
  void vtdUnmapsAWholeTwoMibOfIovaInOneNotificationWhateverMappedIt() {
    // Linux frees the last-level table the range covers whole: QEMU sees one non-present entry.
    assertThat(PAGE_TABLE_LEAF.unmapCalls(2 * SUPER, 2 * SUPER)).isEqualTo(2);
    assertThat(PAGE_TABLE_LEAF.unmapCalls(2 * SUPER + 1, SUPER)).isEqualTo(SUPER);
  }

  @Test
  void virtioIommuSplitsARangeIntoNaturallyAlignedPowerOfTwoBlocks() {
    assertThat(ALIGNED_BLOCK.mapCalls(0x10, 0x99, 1)).isEqualTo(1);
    // 16 pages at a 16-page boundary: one block.
    assertThat(ALIGNED_BLOCK.mapCalls(0x10, 0x99, 16)).isEqualTo(1);
    // 3 pages at a 4-page boundary: 2 + 1.
    assertThat(ALIGNED_BLOCK.mapCalls(0x14, 0x99, 3)).isEqualTo(2);
    // 3 pages from an odd page: 1 + 2.
    assertThat(ALIGNED_BLOCK.unmapCalls(0x13, 3)).isEqualTo(2);
    // 0x11..0x1f then 0x20: 1 + 2 + 4 + 8 + 1.
    assertThat(ALIGNED_BLOCK.unmapCalls(0x11, 16)).isEqualTo(5);
    // From IOVA 0, the largest power of two that fits comes first.
    assertThat(ALIGNED_BLOCK.mapCalls(0, 0, 5)).isEqualTo(2);
  }

  @Test
  void theOracleNeverCallsVfio() {
    assertThat(VfioGranule.NONE.mapCalls(0, 0, 1000)).isZero();
    assertThat(VfioGranule.NONE.unmapCalls(0, 1000)).isZero();
  }
}
