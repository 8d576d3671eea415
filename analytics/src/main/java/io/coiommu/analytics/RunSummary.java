package io.coiommu.analytics;

import io.coiommu.schema.WindowResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Accumulates window results, in any interleaving of VMs and scenarios, into per scenario, VM, host
 * and fleet figures, per aligned window and for the whole run. Pure: no Kafka, no clock. Not
 * thread-safe: one thread adds, or callers synchronize (the dashboard does).
 */
public final class RunSummary {

  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(1);

  private final long windowNanos;
  private final SortedMap<String, ScenarioRun> scenarios = new TreeMap<>();
  private List<String> scenarioOrder = List.of();

  /**
   * The first breaches are kept for the report; past that they are only counted, so a broken engine
   * cannot exhaust memory.
   */
  static final int KEPT_VIOLATIONS = 1000;

  private final List<ContractViolation> violations = new ArrayList<>();
  private long violationCount;
  private long records;
  private long version;
  private DmaTemporalLocality locality;
  private String costModel = "";
  private Set<String> expectedVms = Set.of();
  private int expectedScenarios;
  private final List<String> undecodable = new ArrayList<>();

  public RunSummary() {
    this(DEFAULT_WINDOW);
  }

  /** The window must be the engine's (or a multiple of it) for per-window figures to line up. */
  public RunSummary(Duration window) {
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive, got " + window);
    }
    this.windowNanos = window.toNanos();
  }

  public void add(WindowResult r) {
    records++;
    version++;
    scenarios
        .computeIfAbsent(r.getScenario(), s -> new ScenarioRun(s, windowNanos))
        .add(r, this::violation);
  }

  /**
   * True once at least {@code expectedScenarios} scenarios were seen and, in every scenario seen,
   * each expected VM sent its last record.
   */
  public boolean complete(Set<String> expectedVms, int expectedScenarios) {
    return scenarios.size() >= expectedScenarios && missing(expectedVms).isEmpty();
  }

  /**
   * The (scenario, VM) pairs still waiting for their last record, as "scenario / vm", for error
   * messages.
   */
  public List<String> missing(Set<String> expectedVms) {
    List<String> missing = new ArrayList<>();
    for (ScenarioRun s : scenarios.values()) {
      for (String vm : new TreeSet<>(expectedVms)) {
        VmRun run = s.vm(vm);
        if (run == null || !run.sawLast()) {
          missing.add(s.scenario() + " / " + vm);
        }
      }
    }
    return missing;
  }

  private void violation(ContractViolation v) {
    violationCount++;
    if (violations.size() < KEPT_VIOLATIONS) {
      violations.add(v);
    }
  }

  /** What the run will hold once complete, so progress can say how far along it is. */
  public void expect(Set<String> vms, int scenarios) {
    this.expectedVms = Set.copyOf(vms);
    this.expectedScenarios = scenarios;
    version++;
  }

  /** (scenario, VM) runs the run will hold, or 0 when not told (see {@link #expect}). */
  public long expectedVmRuns() {
    return (long) expectedVms.size() * expectedScenarios;
  }

  /**
   * Names the cost model the engine estimated CPU cost with (its parameters and values, e.g.
   * "exit.mmio=12us,pin=300ns,..."), so every report says what its CPU figures assume.
   */
  public void setCostModel(String description) {
    this.costModel = description == null ? "" : description;
    version++;
  }

  public String costModel() {
    return costModel;
  }

  /**
   * Attaches the trace's DMA temporal locality (see {@link TraceReader}) for the report and the
   * dashboard.
   */
  public void setTemporalLocality(DmaTemporalLocality locality) {
    this.locality = locality;
    version++;
  }

  public Optional<DmaTemporalLocality> temporalLocality() {
    return Optional.ofNullable(locality);
  }

  /**
   * Records a result that could not be decoded (where and why), so reports can say results are
   * missing.
   */
  public void undecodable(String where) {
    version++;
    if (undecodable.size() < KEPT_VIOLATIONS) {
      undecodable.add(where);
    }
  }

  public List<String> undecodable() {
    return Collections.unmodifiableList(undecodable);
  }

  /** Changes whenever anything in the summary does, so views can tell whether to redraw. */
  public long version() {
    return version;
  }

  public long windowNanos() {
    return windowNanos;
  }

  public long records() {
    return records;
  }

  /**
   * Scenarios in the order they were asked for (see {@link #setScenarioOrder}), then any others by
   * name: reports list them as the user wrote them, whatever order the results arrived in.
   */
  public Collection<ScenarioRun> scenarios() {
    if (scenarioOrder.isEmpty()) {
      return Collections.unmodifiableCollection(scenarios.values());
    }
    List<ScenarioRun> ordered = new ArrayList<>(scenarios.values());
    ordered.sort(
        Comparator.comparingInt(
                (ScenarioRun r) -> {
                  int i = scenarioOrder.indexOf(r.scenario());
                  return i < 0 ? Integer.MAX_VALUE : i;
                })
            .thenComparing(ScenarioRun::scenario));
    return Collections.unmodifiableList(ordered);
  }

  /** The scenarios' names in the order the run evaluates them. */
  public void setScenarioOrder(List<String> names) {
    this.scenarioOrder = List.copyOf(names);
    version++;
  }

  public ScenarioRun scenario(String scenario) {
    return scenarios.get(scenario);
  }

  /** How many times records broke the engine's contract. */
  public long violationCount() {
    return violationCount;
  }

  /** The first {@value #KEPT_VIOLATIONS} contract breaches, in arrival order. */
  public List<ContractViolation> violations() {
    return Collections.unmodifiableList(violations);
  }
}
