package io.coiommu.processor.engine;

/**
 * Direct I/O today: the whole guest is pinned at VM start and stays pinned, so nothing at run time
 * exits and nothing needs per-page state. A balloon inflate can reclaim nothing (every page is
 * pinned).
 */
final class StaticPinning extends Policy {

  /** No parameters. */
  record Params() implements PolicyParams {
    @Override
    public PolicyKind kind() {
      return PolicyKind.STATIC;
    }

    @Override
    public Policy create(Scenario scenario, PolicyContext context) {
      return new StaticPinning(scenario, context);
    }
  }

  StaticPinning(Scenario scenario, PolicyContext context) {
    super(scenario, context.costs(), context.mapped(), ExitKind.NONE);
  }

  @Override
  void start(long ts, long guestPages) {
    super.start(ts, guestPages);
    // One VFIO map of guest RAM pins every page: the boot work that the other policies avoid.
    add(Counter.VFIO_MAPS, 1);
    add(Counter.PINS, guestPages);
    add(Counter.BOOT_PINNED_PAGES, guestPages);
    setPinned(ts, guestPages);
  }

  @Override
  void beginMapCall(long ts) {
    add(Counter.MAP_CALLS, 1);
    add(Counter.MAP_CALLS_NO_EXIT, 1);
  }

  @Override
  void mapRange(long ts, long iovaPage, long gfn, long pages) {}

  @Override
  void beginUnmapCall(long ts) {}

  @Override
  void unmapRange(long ts, long iovaPage, long gfn, long pages) {}

  @Override
  long balloonInflate(long ts, long gfn, long pages) {
    return refusePinnedPages(pages, pages);
  }
}
