package io.coiommu.processor.engine;

/**
 * On-demand pinning through I/O page faults (PCIe ATS with PRI, or an SMMU that stalls the device),
 * the hardware alternative the coIOMMU paper and V-Probe discuss. The guest owns the first
 * translation stage, so its map and unmap calls cost no exit, and nothing is pinned at map. The
 * first device access to a mapped page that is not pinned faults: the device stalls, the host pins
 * the page and the access completes. Each faulting 4 KiB page is one fault, counted in
 * io_page_faults (cost {@code iopf}) and as a notification (a synchronous request that stalls I/O),
 * and one pin with its VFIO map. Safety holds by construction: a page is pinned before any access
 * to it completes.
 *
 * <p>Unpinning is coIOMMU's ({@link OnDemandPinning}, {@code unpin=} options): a page is idle when
 * no mapping refers to it and no device accessed it since the last scan; unmaps unpin nothing (as
 * coIOMMU's lazy unpinning).
 */
final class IopfPinning extends OnDemandPinning {

  /**
   * @param unpin the LRU unpin worker's options, as coiommu's
   */
  record Params(UnpinSchedule unpin) implements PolicyParams {

    /** Without parameters: crosvm's unpin defaults (off). */
    static Params parse(SpecParams p) {
      return new Params(UnpinSchedule.parse(p));
    }

    @Override
    public PolicyKind kind() {
      return PolicyKind.IOPF;
    }

    @Override
    public String name() {
      return kind().specName() + ":" + unpin.canonical();
    }

    @Override
    public Policy create(Scenario scenario, PolicyContext context) {
      return new IopfPinning(scenario, context, this);
    }
  }

  private final PageBitmap.WordVisitor accessWord = this::accessWord;

  IopfPinning(Scenario scenario, PolicyContext context, Params params) {
    super(scenario, context, ExitKind.NONE, params.unpin(), false);
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
  boolean pinsOnAccess() {
    return true;
  }

  @Override
  void access(long ts, long gfn, long pages) {
    accessWord.forEachWord(gfn, gfn + pages);
    setPinned(ts, pinnedPages.cardinality());
  }

  private boolean accessWord(long wi, long range) {
    // Only a mapped page translates; an access to an unmapped one is the emulator's anomaly, not a
    // pin.
    long m = range & mapped.pages().word(wi);
    if (m == 0) {
      return true;
    }
    long faults = m & ~pinnedPages.orWord(wi, m);
    accessed.orWord(wi, m);
    if (faults != 0) {
      long n = Long.bitCount(faults);
      add(Counter.IO_PAGE_FAULTS, n);
      add(Counter.NOTIFICATIONS, n);
      countPins(wi, faults);
    }
    return true;
  }

  /**
   * Right after a map the device has reached none of its pages: a page it reaches later faults in
   * first.
   */
  @Override
  long countUnsafeAfterMap(long gfn, long pages) {
    return 0;
  }
}
