package io.coiommu.processor.engine;

/**
 * Policies whose host pins a page when its first mapping appears and unpins it when its last
 * mapping goes: the pinned set is exactly the guest's mapped set, so they keep no per-page state
 * beyond the VM's {@link MappedPages}. What differs between them is how the guest tells the host
 * (exits, invalidations, VFIO calls).
 */
abstract class MappingPinned extends Policy {

  /** How the host hands each range to VFIO. */
  private final VfioGranule vfio;

  MappingPinned(
      Scenario scenario, CostModel costs, MappedPages mapped, ExitKind exitKind, VfioGranule vfio) {
    super(scenario, costs, mapped, exitKind);
    this.vfio = vfio;
  }

  @Override
  void mapRange(long ts, long iovaPage, long gfn, long pages) {
    add(Counter.VFIO_MAPS, vfio.mapCalls(iovaPage, gfn, pages));
    add(Counter.PINS, mapped.transitionCount());
    setPinned(ts, mapped.mapped());
  }

  @Override
  void unmapRange(long ts, long iovaPage, long gfn, long pages) {
    add(Counter.VFIO_UNMAPS, vfio.unmapCalls(iovaPage, pages));
    add(Counter.UNPINS, mapped.transitionCount());
    setPinned(ts, mapped.mapped());
  }

  @Override
  long balloonInflate(long ts, long gfn, long pages) {
    return refusePinnedPages(pages, mapped.pages().count(gfn, gfn + pages));
  }
}
