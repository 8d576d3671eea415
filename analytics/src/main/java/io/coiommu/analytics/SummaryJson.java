package io.coiommu.analytics;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The whole summary as one JSON document: summary.json, the report's embedded data and the
 * dashboard's polled state are this same document, so every view shows the same numbers.
 */
public final class SummaryJson {

  /**
   * VMs whose own series are kept in the document, per scenario: the ones with the highest peaks.
   */
  static final int VM_SERIES_LIMIT = 64;

  static final int TOP_VMS = 10;

  /** Figures whose spread across VMs is given, with how to read each from a VM. */
  static final Map<String, ToDoubleFunction<VmRun>> DISTRIBUTIONS =
      Map.of(
          "peak_pinned_bytes", VmRun::peakPinnedBytes,
          "avg_pinned_bytes", VmRun::avgPinnedBytes,
          "peak_pinned_pct", v -> 100 * v.peakPinnedShare(),
          "notifications_per_s", v -> v.perSecond(WindowMetric.NOTIFICATIONS),
          "exits_per_s", v -> v.perSecond(WindowMetric.EXITS),
          "cpu_cost_ns_per_s", v -> v.perSecond(WindowMetric.CPU_COST_NS));

  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private SummaryJson() {}

  /** How much a document holds. */
  public enum Detail {
    /** Everything: summary.json and the report. */
    FULL,
    /**
     * What the dashboard page draws, without the per-VM rows and host series that make a big
     * fleet's document heavy.
     */
    LIVE
  }

  public static ObjectNode of(RunSummary s) {
    return of(s, Detail.FULL);
  }

  /** The document; callers that share the summary with a consuming thread hold its monitor. */
  public static ObjectNode of(RunSummary s, Detail detail) {
    ObjectNode root = NODES.objectNode();
    root.put("window_s", VmColumn.decimal(Units.seconds(s.windowNanos())));
    root.set("progress", progress(s));
    root.put("cost_model", s.costModel().isEmpty() ? "not given" : s.costModel());
    root.set("legend", legend());
    Map<String, String> labels =
        ScenarioLabels.of(s.scenarios().stream().map(ScenarioRun::scenario).toList());
    ArrayNode scenarios = root.putArray("scenarios");
    for (ScenarioRun sc : s.scenarios()) {
      scenarios.add(scenario(sc, labels.get(sc.scenario()), detail));
    }
    chosenVm(s).ifPresent(vm -> root.put("chosen_vm", vm));
    s.temporalLocality().ifPresent(l -> root.set("dma_temporal_locality", locality(l)));
    ArrayNode violations = root.putArray("contract_violations");
    s.violations().stream().limit(20).forEach(v -> violations.add(v.toString()));
    ArrayNode undecodable = root.putArray("undecodable_results");
    s.undecodable().stream().limit(20).forEach(undecodable::add);
    return root;
  }

  public static String toJson(RunSummary s) {
    return toJson(s, Detail.FULL);
  }

  public static String toJson(RunSummary s, Detail detail) {
    try {
      return MAPPER.writeValueAsString(of(s, detail));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain values always serializes", e);
    }
  }

  private static ObjectNode progress(RunSummary s) {
    ObjectNode p = NODES.objectNode();
    long runs = 0;
    long complete = 0;
    long traceEnd = 0;
    long traceStart = Long.MAX_VALUE;
    for (ScenarioRun sc : s.scenarios()) {
      for (VmRun vm : sc.vms()) {
        runs++;
        complete += vm.sawLast() ? 1 : 0;
        traceEnd = Math.max(traceEnd, vm.endNs());
        traceStart = Math.min(traceStart, vm.startNs());
      }
    }
    p.put("records", s.records());
    p.put("scenarios", s.scenarios().size());
    p.put("vm_runs", runs);
    p.put("vm_runs_complete", complete);
    p.put("expected_vm_runs", s.expectedVmRuns());
    p.put("finished", finished(runs, complete, s.expectedVmRuns()));
    p.put("trace_s", VmColumn.decimal(runs == 0 ? 0 : Units.seconds(traceEnd - traceStart)));
    p.put("contract_violations", s.violationCount());
    p.put("undecodable_results", s.undecodable().size());
    return p;
  }

  /**
   * Every (scenario, VM) run expected so far has seen its last window: nothing is pinned "now" any
   * more.
   */
  static boolean finished(long runs, long complete, long expected) {
    return runs > 0 && complete == Math.max(runs, expected);
  }

  private static ObjectNode legend() {
    ObjectNode l = NODES.objectNode();
    l.put(
        "peak_pinned_bytes",
        "fleet or host: max over aligned windows of the group-wide sum of in-window"
            + " peaks (not a sum of per-VM peaks); VM: max over the run");
    l.put(
        "avg_pinned_bytes",
        "time-weighted average: exact integral of pinned memory over time / span");
    l.put("peak_pinned_pct", "peak pinned / guest memory of the group's VMs");
    l.put(
        "avg_pinned_pct",
        "pinned memory-time / guest memory-time (guest memory alive at the time)");
    l.put("reclaimable_bytes", "guest memory - pinned: the overcommit headroom the policy leaves");
    l.put(
        "distributions",
        "across the scenario's VMs; p50/p90/p99 from HdrHistogram (3 significant digits)");
    l.put("cpu_cost_ns", "host CPU time estimated by the engine's cost model (see cost_model)");
    return l;
  }

  /** The VM the report shows on its own: the one with the most map calls, the busiest DMA user. */
  static Optional<String> chosenVm(RunSummary s) {
    Map<String, Long> calls = new TreeMap<>();
    s.scenarios()
        .forEach(
            sc ->
                sc.vms()
                    .forEach(v -> calls.merge(v.vm(), v.total(WindowMetric.MAP_CALLS), Long::sum)));
    return calls.entrySet().stream()
        .max(
            Map.Entry.<String, Long>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
        .map(Map.Entry::getKey);
  }

  private static ObjectNode scenario(ScenarioRun sc, String label, Detail detail) {
    ObjectNode o = NODES.objectNode();
    o.put("scenario", sc.scenario());
    o.put("label", label);
    o.put("policy", sc.policy());
    o.set("fleet", group(sc.fleet()));
    ArrayNode hosts = o.putArray("hosts");
    sc.hosts().forEach(h -> hosts.add(group(h)));
    ObjectNode distributions = o.putObject("distributions");
    DISTRIBUTIONS.keySet().stream()
        .sorted()
        .forEach(
            name -> {
              Distribution d = Distribution.of(sc.vms(), DISTRIBUTIONS.get(name));
              ObjectNode n = distributions.putObject(name);
              n.put("count", d.count());
              n.put("min", VmColumn.decimal(d.min()));
              n.put("p50", VmColumn.decimal(d.p50()));
              n.put("p90", VmColumn.decimal(d.p90()));
              n.put("p99", VmColumn.decimal(d.p99()));
              n.put("max", VmColumn.decimal(d.max()));
              n.put("rejected", d.rejected());
            });
    if (detail == Detail.FULL) {
      ArrayNode vms = o.putArray("vms");
      for (VmRun vm : sc.vms()) {
        ObjectNode row = vms.addObject();
        VmColumn.ALL.stream()
            .filter(c -> !c.name().equals("scenario"))
            .forEach(c -> put(row, c.name(), c.of(vm)));
      }
      ArrayNode hostSeries = o.putArray("host_series");
      sc.hosts()
          .forEach(
              h -> hostSeries.addObject().put("host", h.name()).set("series", series(h.series())));
    }
    o.set("series", series(sc.fleet().series()));
    ObjectNode vmSeries = o.putObject("vm_series");
    sc.vms().stream()
        .sorted(
            Comparator.comparingLong(VmRun::peakPinnedBytes).reversed().thenComparing(VmRun::vm))
        .limit(VM_SERIES_LIMIT)
        .sorted(Comparator.comparing(VmRun::vm))
        .forEach(vm -> vmSeries.set(vm.vm(), series(vm.series())));
    ArrayNode top = o.putArray("top_vms");
    // While the run is live, what is pinned now matters most; once a scenario's VMs have all
    // finished, each released
    // its pages and "now" is 0 everywhere, so only the peak ranks them.
    boolean done = sc.vms().stream().allMatch(VmRun::sawLast);
    Comparator<VmRun> byPeak = Comparator.comparingLong(VmRun::peakPinnedBytes).reversed();
    Comparator<VmRun> order =
        done
            ? byPeak
            : Comparator.comparingLong(VmRun::pinnedBytesNow).reversed().thenComparing(byPeak);
    sc.vms().stream()
        .sorted(order.thenComparing(VmRun::vm))
        .limit(TOP_VMS)
        .forEach(
            vm ->
                top.addObject()
                    .put("vm", vm.vm())
                    .put("host", vm.host())
                    .put("pinned_bytes", vm.pinnedBytesNow())
                    .put("peak_pinned_bytes", vm.peakPinnedBytes())
                    .put("guest_bytes", vm.guestBytes())
                    .put("complete", vm.sawLast()));
    return o;
  }

  private static ObjectNode locality(DmaTemporalLocality l) {
    ObjectNode o = NODES.objectNode();
    o.put("remaps", l.remaps());
    for (int p : new int[] {50, 90, 99}) {
      o.put("p" + p + "_ms", VmColumn.decimal(l.gapAtPercentileNs(p) / 1e6));
    }
    o.put("max_ms", VmColumn.decimal(l.maxGapNs() / 1e6));
    o.put("never_remapped_pages", l.neverRemapped());
    o.put("unresolved_unmaps", l.unresolvedUnmaps());
    o.put("page_sample_rate", l.pageSampleRate());
    ArrayNode t = o.putArray("cdf_ms");
    ArrayNode share = o.putArray("cdf_share");
    for (DmaTemporalLocality.CdfStep step : l.cdfSteps()) {
      t.add(VmColumn.decimal(step.ns() / 1e6));
      share.add(VmColumn.decimal(step.share()));
    }
    return o;
  }

  private static ObjectNode group(VmGroup g) {
    ObjectNode o = NODES.objectNode();
    GroupColumn.ALL.forEach(c -> put(o, c.name(), c.of(g)));
    return o;
  }

  /** Column-wise: one array per window column, aligned with "window_start_s". */
  static ObjectNode series(WindowSeries s) {
    ObjectNode o = NODES.objectNode();
    ArrayNode t = o.putArray("window_start_s");
    List<WindowColumn> columns = WindowColumn.ALL.stream().filter(c -> c.availableIn(s)).toList();
    ArrayNode[] arrays = columns.stream().map(c -> o.putArray(c.name())).toArray(ArrayNode[]::new);
    if (s.isEmpty()) {
      return o;
    }
    for (long w = s.firstWindow(); w <= s.lastWindow(); w++) {
      t.add(VmColumn.decimal(Units.seconds(s.startOf(w))));
      for (int i = 0; i < arrays.length; i++) {
        addNumber(arrays[i], columns.get(i).of(s, w));
      }
    }
    return o;
  }

  private static void put(ObjectNode o, String name, Object value) {
    if (value instanceof BigDecimal d) {
      o.put(name, d);
    } else if (value instanceof Long l) {
      o.put(name, l);
    } else if (value instanceof Integer i) {
      o.put(name, i);
    } else if (value instanceof Boolean b) {
      o.put(name, b);
    } else {
      o.put(name, String.valueOf(value));
    }
  }

  private static void addNumber(ArrayNode a, Number n) {
    if (n instanceof BigDecimal d) {
      a.add(d);
    } else {
      a.add(n.longValue());
    }
  }
}
