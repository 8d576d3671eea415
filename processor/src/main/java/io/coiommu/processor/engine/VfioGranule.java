package io.coiommu.processor.engine;

/**
 * How many VFIO_IOMMU_MAP_DMA / UNMAP_DMA calls a hypervisor makes for one range the guest maps or
 * unmaps through its IOMMU: the granule in which the device model hands guest mappings to VFIO.
 * Ranges are in 4 KiB pages; an IOVA and the guest-physical address it maps share their offset in
 * the page (the DMA API maps whole pages), so page numbers carry all the alignment there is.
 */
enum VfioGranule {

  /** The host never calls VFIO for a guest mapping (the oracle). */
  NONE,

  /**
   * QEMU's intel-iommu with caching mode shadows the guest's second-level page table: on each
   * invalidation it walks the invalidated range and notifies VFIO once per leaf entry that appeared
   * or disappeared (hw/i386/intel_iommu.c {@code vtd_page_walk_level} → {@code vtd_page_walk_one},
   * one {@code vfio_iommu_map_notify} each). A leaf is a 4 KiB page, or a 2 MiB superpage where
   * Linux could use one: IOVA and guest-physical address both 2 MiB aligned with 2 MiB left
   * (drivers/iommu/intel/iommu.c {@code hardware_largepage_caps}; QEMU advertises 2 MiB pages). On
   * unmap Linux frees a page-table page the range covers whole ({@code dma_pte_clear_level}), so a
   * 2 MiB-aligned 2 MiB of IOVA goes in one notification whatever mapped it.
   */
  PAGE_TABLE_LEAF,

  /**
   * QEMU's virtio-iommu notifies VFIO of a MAP or an UNMAP'd mapping in naturally aligned
   * power-of-two blocks of IOVA, the largest that fit at each step, because an IOMMU notification
   * describes a power-of-two range (hw/virtio/virtio-iommu.c {@code virtio_iommu_notify_map_unmap},
   * QEMU 7.1 and later).
   */
  ALIGNED_BLOCK;

  /** 4 KiB pages in a 2 MiB superpage or a last-level page-table page. */
  static final long SUPERPAGE_PAGES = 512;

  // Switches and not a method body per constant: every map and unmap of three scenarios calls
  // these, and one call site over three constant classes is a megamorphic call the JIT cannot
  // inline.

  /** VFIO map calls for [iovaPage, iovaPage + pages) mapping guest pages from {@code gfn}. */
  long mapCalls(long iovaPage, long gfn, long pages) {
    return switch (this) {
      case NONE -> 0;
      // Superpages need the IOVA and the guest page to sit at the same offset in a 2 MiB block.
      case PAGE_TABLE_LEAF ->
          ((iovaPage ^ gfn) & (SUPERPAGE_PAGES - 1)) != 0 ? pages : leaves(iovaPage, pages);
      case ALIGNED_BLOCK -> alignedBlocks(iovaPage, pages);
    };
  }

  /** VFIO unmap calls for [iovaPage, iovaPage + pages). */
  long unmapCalls(long iovaPage, long pages) {
    return switch (this) {
      case NONE -> 0;
      case PAGE_TABLE_LEAF -> leaves(iovaPage, pages);
      case ALIGNED_BLOCK -> alignedBlocks(iovaPage, pages);
    };
  }

  /** Leaf entries of an IOVA range: its whole aligned 2 MiB blocks one each, the rest per page. */
  private static long leaves(long iovaPage, long pages) {
    long end = iovaPage + pages;
    long firstBlock = (iovaPage + SUPERPAGE_PAGES - 1) / SUPERPAGE_PAGES * SUPERPAGE_PAGES;
    long lastBlock = end / SUPERPAGE_PAGES * SUPERPAGE_PAGES;
    if (lastBlock <= firstBlock) {
      return pages;
    }
    long blocks = (lastBlock - firstBlock) / SUPERPAGE_PAGES;
    return blocks + (firstBlock - iovaPage) + (end - lastBlock);
  }

  /** Naturally aligned power-of-two blocks covering [page, page + pages), largest first. */
  private static long alignedBlocks(long page, long pages) {
    long calls = 0;
    long left = pages;
    long at = page;
    while (left > 0) {
      // The block at `at` can be no larger than its alignment and no larger than what is left.
      long byAlignment = at == 0 ? Long.highestOneBit(left) : Long.lowestOneBit(at);
      long size = Math.min(byAlignment, Long.highestOneBit(left));
      at += size;
      left -= size;
      calls++;
    }
    return calls;
  }
}
