package io.coiommu.processor.engine;

import java.util.Locale;

/**
 * crosvm's unpin options, shared by the policies that pin on demand and unpin idle pages later
 * (coiommu, iopf).
 *
 * @param policy off (only the balloon unpins) or lru (periodic scans)
 * @param intervalNs trace nanoseconds between LRU scans; 0 disables the scans, as in crosvm
 * @param limit most pages unpinned per scan, or {@link #UNLIMITED}
 * @param gen busy scans after which a page moves from the NEW to the OLD list (crosvm's
 *     unpin_gen_threshold)
 */
record UnpinSchedule(UnpinPolicy policy, long intervalNs, long limit, int gen) {

  /** {@link #limit()} without an unpin limit (crosvm's {@code unpin_limit: None}). */
  static final long UNLIMITED = -1;

  /** crosvm's defaults when a parameter is not given: policy off, 60 s, no limit, G = 10. */
  static UnpinSchedule parse(SpecParams p) {
    return new UnpinSchedule(
        p.unpinPolicy("unpin", UnpinPolicy.OFF),
        p.duration("interval", 60_000_000_000L, 0),
        p.limit("limit"),
        (int) p.integer("gen", 10, 0, 1_000_000));
  }

  boolean lru() {
    return policy == UnpinPolicy.LRU;
  }

  /** The canonical parameters, e.g. {@code unpin=lru,interval=10s,limit=8192,gen=10}. */
  String canonical() {
    return "unpin="
        + policy.name().toLowerCase(Locale.ROOT)
        + ",interval="
        + Durations.format(intervalNs)
        + ",limit="
        + (limit == UNLIMITED ? "unlimited" : Long.toString(limit))
        + ",gen="
        + gen;
  }
}
