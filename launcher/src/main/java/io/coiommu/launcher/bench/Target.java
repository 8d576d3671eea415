package io.coiommu.launcher.bench;

import java.util.Locale;

/**
 * One of issue #7's and issue #14's targets: a bound a figure must reach (at least) or stay under
 * (at most).
 */
enum Target {
  END_TO_END("end to end events/s, 8 default scenarios", 2_000_000, Bound.AT_LEAST),
  END_TO_END_OVER_ENGINE("end to end / engine only", 0.5, Bound.AT_LEAST),
  END_TO_END_OVER_PRODUCER_PERF("end to end / ProducerPerformance records/s", 10, Bound.AT_LEAST),
  ENGINE_COIOMMU_LRU("engine only events/s, coiommu lru alone", 10_000_000, Bound.AT_LEAST),
  HEAP_PER_PAGE("heap bytes per tracked page per scenario", 16, Bound.AT_MOST),
  P99_LATENCY("p99 window-result latency at 1x, s", 2, Bound.AT_MOST),
  ENGINE_FLEET_OVER_SMALL("engine only, this fleet / its 10-VM fleet", 0.8, Bound.AT_LEAST),
  GENERATOR("workload generator alone, events/s", 5_000_000, Bound.AT_LEAST);

  enum Bound {
    AT_LEAST,
    AT_MOST
  }

  private final String what;
  private final double bound;
  private final Bound kind;

  Target(String what, double bound, Bound kind) {
    this.what = what;
    this.bound = bound;
    this.kind = kind;
  }

  /**
   * {@code "met"} or {@code "missed by 42%"}: how far the figure is from the bound, relative to the
   * bound.
   */
  String verdict(double figure) {
    boolean met = kind == Bound.AT_LEAST ? figure >= bound : figure <= bound;
    if (met) {
      return "met";
    }
    double missedBy = Math.abs(figure - bound) / bound * 100;
    return String.format(Locale.ROOT, "missed by %.0f%%", missedBy);
  }

  String line(double figure) {
    String sign = kind == Bound.AT_LEAST ? ">=" : "<=";
    return String.format(
        Locale.ROOT,
        "  %-46s %14s  target %s %-10s %s",
        what,
        Figures.format(figure),
        sign,
        Figures.format(bound),
        verdict(figure));
  }
}
