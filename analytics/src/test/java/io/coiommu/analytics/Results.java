package io.coiommu.analytics;

import io.coiommu.schema.WindowResult;

/** Hand-made window results for tests. Times are in trace nanoseconds. */
final class Results {

  static final long S = 1_000_000_000L;
  static final long GIB = 1L << 30;
  static final String COIOMMU = "coiommu:unpin=lru,interval=10s,limit=8192,gen=10";
  static final String STATIC = "static";

  private Results() {}

  /** A record of [start, end) with every figure 0 but the guest size; callers set the rest. */
  static WindowResult.Builder span(String scenario, String vm, String host, long start, long end) {
    return WindowResult.newBuilder()
        .setScenario(scenario)
        .setVm(vm)
        .setHost(host)
        .setGuestBytes(GIB)
        .setWindowStartNs(start)
        .setWindowEndNs(end);
  }

  /**
   * A record in which pinned stays at {@code pages} throughout: gauge, peak and exact integral
   * agree.
   */
  static WindowResult.Builder steady(
      String scenario, String vm, String host, long start, long end, long pages) {
    return span(scenario, vm, host, start, end)
        .setPinnedPages(pages)
        .setPeakPinnedPages(pages)
        .setPinnedPageNanos(pages * (end - start))
        .setAvgPinnedBytes(pages * 4096.0);
  }
}
