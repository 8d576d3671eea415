package io.coiommu.processor.engine;

import java.util.Objects;

/**
 * A policy with every parameter fixed. Immutable; built by {@link ScenarioSpec}. Its {@link #name()} is the canonical
 * spec that names every parameter, so a report always says exactly what it evaluated, and parsing the name gives the
 * same scenario back.
 */
public final class Scenario {

  /** {@link #limit()} of a coiommu scenario without an unpin limit (crosvm's {@code unpin_limit: None}). */
  public static final long UNLIMITED = -1;

  private final PolicyKind kind;
  private final UnpinPolicy unpin;
  private final long intervalNs;
  private final long limit;
  private final int gen;
  private final boolean smart;
  private final boolean lazy;
  private final int pinAhead;
  private final int queueEntries;
  private final long timeoutNs;
  private final String name;

  Scenario(PolicyKind kind, UnpinPolicy unpin, long intervalNs, long limit, int gen, boolean smart, boolean lazy,
      int pinAhead, int queueEntries, long timeoutNs) {
    this.kind = Objects.requireNonNull(kind);
    this.unpin = unpin;
    this.intervalNs = intervalNs;
    this.limit = limit;
    this.gen = gen;
    this.smart = smart;
    this.lazy = lazy;
    this.pinAhead = pinAhead;
    this.queueEntries = queueEntries;
    this.timeoutNs = timeoutNs;
    this.name = canonicalName();
  }

  /** The canonical spec, e.g. {@code coiommu:unpin=lru,interval=10s,limit=8192,gen=10,smart=on,lazy=on,pinahead=0}. */
  public String name() {
    return name;
  }

  public PolicyKind kind() {
    return kind;
  }

  /** coiommu: the unpin policy. */
  public UnpinPolicy unpin() {
    return unpin;
  }

  /** coiommu: trace nanoseconds between LRU scans; 0 disables the scans, as in crosvm. */
  public long intervalNs() {
    return intervalNs;
  }

  /** coiommu: most pages unpinned per scan, or {@link #UNLIMITED}. */
  public long limit() {
    return limit;
  }

  /** coiommu: busy scans after which a page moves from the NEW to the OLD list (crosvm's unpin_gen_threshold). */
  public int gen() {
    return gen;
  }

  /** coiommu: smart pinning (notify only when a page of the call is unpinned). */
  public boolean smart() {
    return smart;
  }

  /** coiommu: lazy unpinning (unmaps never notify). */
  public boolean lazy() {
    return lazy;
  }

  /** coiommu: pages pinned speculatively after the range that triggered a notification. */
  public int pinAhead() {
    return pinAhead;
  }

  /** viommu-lazy: flush-queue entries that trigger a flush. */
  public int queueEntries() {
    return queueEntries;
  }

  /** viommu-lazy: trace nanoseconds after which a queued unmap is flushed. */
  public long timeoutNs() {
    return timeoutNs;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Scenario && ((Scenario) o).name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }

  private String canonicalName() {
    switch (kind) {
      case COIOMMU:
        return kind.specName()
            + ":unpin=" + unpin.name().toLowerCase(java.util.Locale.ROOT)
            + ",interval=" + Durations.format(intervalNs)
            + ",limit=" + (limit == UNLIMITED ? "unlimited" : Long.toString(limit))
            + ",gen=" + gen
            + ",smart=" + onOff(smart)
            + ",lazy=" + onOff(lazy)
            + ",pinahead=" + pinAhead;
      case VIOMMU_LAZY:
        return kind.specName() + ":queue=" + queueEntries + ",timeout=" + Durations.format(timeoutNs);
      default:
        return kind.specName();
    }
  }

  private static String onOff(boolean b) {
    return b ? "on" : "off";
  }
}
