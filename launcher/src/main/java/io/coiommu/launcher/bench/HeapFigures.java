package io.coiommu.launcher.bench;

import io.coiommu.processor.ProcessorConfig;
import io.coiommu.processor.engine.EngineConfig;
import io.coiommu.processor.engine.Scenario;
import io.coiommu.processor.engine.ScenarioSpec;
import io.coiommu.producer.VmEvent;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Figure 4 of the bench: heap bytes per tracked page, per default scenario in order, over the bench
 * trace and over all-live pages ({@link HeapPerPage} measures each).
 */
final class HeapFigures {

  private final long tracked;
  private final long densePages;
  private final List<Double> trace = new ArrayList<>();
  private final List<Double> dense = new ArrayList<>();
  private double allTrace;
  private double allDense;

  private HeapFigures(long tracked, long densePages) {
    this.tracked = tracked;
    this.densePages = densePages;
  }

  static HeapFigures measure(BenchTrace benchTrace, ProcessorConfig config, int heapPages) {
    EngineConfig engine = config.engine();
    List<VmEvent> running = HeapPerPage.withoutStops(benchTrace.events());
    List<VmEvent> live = HeapPerPage.mapDistinctPages(heapPages);
    HeapFigures heap = new HeapFigures(HeapPerPage.trackedPages(running), heapPages);
    for (Scenario s : config.scenarios()) {
      heap.trace.add(
          HeapPerPage.bytesRetained(running, List.of(s), engine) / (double) heap.tracked);
      heap.dense.add(
          HeapPerPage.bytesRetained(live, List.of(s), engine) / (double) heap.densePages);
    }
    heap.allTrace =
        HeapPerPage.bytesRetained(running, config.scenarios(), engine) / (double) heap.tracked;
    heap.allDense =
        HeapPerPage.bytesRetained(live, config.scenarios(), engine) / (double) heap.densePages;
    return heap;
  }

  /** All scenarios together, per scenario, the worse of the two inputs. */
  double allPerScenario(int scenarios) {
    return Math.max(allTrace, allDense) / scenarios;
  }

  /** The largest state a scenario keeps beyond the VM-level state, over both inputs. */
  double worstOwn(List<Scenario> scenarios) {
    double worst = 0;
    for (int i = 0; i < scenarios.size(); i++) {
      worst = Math.max(worst, Math.max(ownTrace(scenarios, i), ownDense(scenarios, i)));
    }
    return worst;
  }

  // Static pinning keeps no per-page state: alone, it measures what the VM keeps for all its
  // scenarios.
  private static int shared(List<Scenario> scenarios) {
    return scenarios.indexOf(ScenarioSpec.parse("static").get(0));
  }

  private double ownTrace(List<Scenario> scenarios, int i) {
    int shared = shared(scenarios);
    return trace.get(i) - (shared < 0 ? 0 : trace.get(shared));
  }

  private double ownDense(List<Scenario> scenarios, int i) {
    int shared = shared(scenarios);
    return dense.get(i) - (shared < 0 ? 0 : dense.get(shared));
  }

  void print(PrintWriter out, List<Scenario> scenarios) {
    out.println();
    out.printf(
        Locale.ROOT,
        "== 4. heap per tracked page (retained after full GC; each scenario alone, then its own "
            + "share beyond the VM-level state) ==%n");
    out.printf(Locale.ROOT, "  %-78s %8s %8s %8s %8s%n", "", "trace", "own", "live", "own");
    out.printf(Locale.ROOT, "  %-78s %17d %17d%n", "(tracked pages)", tracked, densePages);
    for (int i = 0; i < scenarios.size(); i++) {
      out.printf(
          Locale.ROOT,
          "  %-78s %8.1f %8.1f %8.1f %8.1f%n",
          scenarios.get(i).name(),
          trace.get(i),
          ownTrace(scenarios, i),
          dense.get(i),
          ownDense(scenarios, i));
    }
    out.printf(
        Locale.ROOT,
        "  %-78s %8.1f %8s %8.1f%n",
        "all " + scenarios.size() + " together, per scenario",
        allTrace / scenarios.size(),
        "",
        allDense / scenarios.size());
    out.println(
        "  trace: the bench trace without its VM_STOPs (state at its end); live: "
            + densePages
            + " distinct pages mapped and never unmapped.");
    out.println(
        "  own: minus static alone, which keeps no per-page state and so measures the VM-level state "
            + "(iova tables, map counts) that every scenario shares.");
  }
}
