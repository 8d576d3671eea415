package io.coiommu.processor.engine;

/** Settings shared by every scenario of a run. Immutable. */
public final class EngineConfig {

  private static final long DEFAULT_WINDOW_NS = 1_000_000_000L;
  private static final EngineConfig DEFAULTS =
      new EngineConfig(DEFAULT_WINDOW_NS, CostModel.defaults());

  private final long windowNs;
  private final CostModel costs;

  private EngineConfig(long windowNs, CostModel costs) {
    this.windowNs = windowNs;
    this.costs = costs;
  }

  /** Windows of 1 s of trace time and the default cost model. */
  public static EngineConfig defaults() {
    return DEFAULTS;
  }

  public EngineConfig withWindowNs(long windowNs) {
    if (windowNs <= 0) {
      throw new IllegalArgumentException("window must be > 0 ns, got " + windowNs);
    }
    return new EngineConfig(windowNs, costs);
  }

  public EngineConfig withCosts(CostModel costs) {
    if (costs == null) {
      throw new IllegalArgumentException("costs must not be null");
    }
    return new EngineConfig(windowNs, costs);
  }

  public long windowNs() {
    return windowNs;
  }

  public CostModel costs() {
    return costs;
  }

  @Override
  public String toString() {
    return "window=" + Durations.format(windowNs) + " costs[" + costs.describe() + "]";
  }
}
