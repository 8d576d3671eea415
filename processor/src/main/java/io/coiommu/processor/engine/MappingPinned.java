package io.coiommu.processor.engine;

/**
 * Policies whose host pins a page when its first mapping appears and unpins it when its last
 * mapping goes: the pinned set is exactly the guest's mapped set, so they keep no per-page state
 * beyond the VM's {@link MappedPages}. What differs between them is how the guest tells the host
 * (exits, invalidations, VFIO calls).
 */
abstract class MappingPinned extends Policy {

  /**
   * Whether the host applies each range through its own VFIO map or unmap call (every real system
   * here does).
   */
  private final boolean vfioPerRange;

  MappingPinned(
      Scenario scenario,
      CostModel costs,
      MappedPages mapped,
      ExitKind exitKind,
      boolean vfioPerRange) {
    super(scenario, costs, mapped, exitKind);
    this.vfioPerRange = vfioPerRange;
  }

  @Override
  void mapRange(long ts, long gfn, long pages) {
    if (vfioPerRange) {
      add(Counter.VFIO_MAPS, 1);
    }
    add(Counter.PINS, mapped.transitionCount());
    setPinned(ts, mapped.mapped());
  }

  @Override
  void unmapRange(long ts, long gfn, long pages) {
    if (vfioPerRange) {
      add(Counter.VFIO_UNMAPS, 1);
    }
    add(Counter.UNPINS, mapped.transitionCount());
    setPinned(ts, mapped.mapped());
  }

  @Override
  long balloonInflate(long ts, long gfn, long pages) {
    return refusePinnedPages(pages, mapped.pages().count(gfn, gfn + pages));
  }
}
