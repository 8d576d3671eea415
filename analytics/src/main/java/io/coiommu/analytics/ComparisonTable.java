package io.coiommu.analytics;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The terminal comparison of scenarios: one row per scenario with fleet figures. A row is labelled
 * by its policy and the parameters it does not share with the other scenarios of that policy; the
 * shared ones follow once per policy under the table ({@link ScenarioLabels}), so every parameter
 * stays visible within 115 columns. A label still too long for its column wraps at its commas.
 */
public final class ComparisonTable {

  static final int SCENARIO_WIDTH = 38;
  private static final String ROW = "%-" + SCENARIO_WIDTH + "s %9s %6s %9s %6s %13s %9s %11s %6s%n";

  private ComparisonTable() {}

  public static String render(RunSummary s) {
    StringBuilder out = new StringBuilder();
    Set<String> vms = new TreeSet<>();
    Set<String> hosts = new TreeSet<>();
    long traceNs = 0;
    for (ScenarioRun sc : s.scenarios()) {
      sc.vms().forEach(v -> vms.add(v.vm()));
      sc.hosts().forEach(h -> hosts.add(h.name()));
      traceNs = Math.max(traceNs, sc.fleet().durationNs());
    }
    out.append(
        String.format(
            Locale.ROOT,
            "Fleet of %d VMs on %d hosts, %.1f s of trace time, %d scenarios.%n",
            vms.size(),
            hosts.size(),
            Units.seconds(traceNs),
            s.scenarios().size()));
    out.append(
        String.format(
            Locale.ROOT,
            ROW,
            "scenario",
            "peak",
            "peak",
            "avg",
            "avg",
            "notifications",
            "notif.",
            "",
            "unsafe"));
    out.append(
        String.format(Locale.ROOT, ROW, "", "MiB", "%", "MiB", "%", "", "per s", "exits", "DMA"));
    out.append("-".repeat(SCENARIO_WIDTH + 77)).append('\n');
    List<String> specs = s.scenarios().stream().map(ScenarioRun::scenario).toList();
    Map<String, String> labels = ScenarioLabels.of(specs);
    for (ScenarioRun sc : s.scenarios()) {
      VmGroup f = sc.fleet();
      List<String> spec = wrap(labels.get(sc.scenario()), SCENARIO_WIDTH);
      out.append(
          String.format(
              Locale.ROOT,
              ROW,
              spec.get(0),
              mib(f.peakPinnedBytes()),
              percent(f.peakPinnedShare()),
              mib(f.avgPinnedBytes()),
              percent(f.avgPinnedShare()),
              f.total(WindowMetric.NOTIFICATIONS),
              String.format(Locale.ROOT, "%.1f", f.perSecond(WindowMetric.NOTIFICATIONS)),
              f.total(WindowMetric.EXITS),
              f.total(WindowMetric.DMA_SAFETY_VIOLATIONS)));
      for (String more : spec.subList(1, spec.size())) {
        out.append("  ").append(more).append('\n');
      }
    }
    ScenarioLabels.shared(specs).forEach(line -> appendWrapped(out, line));
    out.append("peak: max over ")
        .append(seconds(s.windowNanos()))
        .append(" windows of the fleet-wide pinned sum (not a sum of per-VM peaks).\n");
    out.append(
        "avg: time-weighted over the run. %: of the fleet's guest memory (avg: of guest memory alive).\n");
    out.append("unsafe DMA: dma_safety_violations, must be 0.\n");
    if (!s.costModel().isEmpty()) {
      // Wrapped like the specs: a cost model lists a dozen parameters.
      appendWrapped(out, "CPU cost model: " + s.costModel());
    }
    long unsafe =
        s.scenarios().stream()
            .mapToLong(sc -> sc.fleet().total(WindowMetric.DMA_SAFETY_VIOLATIONS))
            .sum();
    if (unsafe > 0) {
      out.append("WARNING: ")
          .append(unsafe)
          .append(" DMA safety violations: the emulator has a bug.\n");
    }
    if (s.violationCount() > 0) {
      out.append("WARNING: ")
          .append(s.violationCount())
          .append(" result records broke the engine's contract, first: ")
          .append(s.violations().get(0))
          .append('\n');
    }
    return out.toString();
  }

  private static void appendWrapped(StringBuilder out, String text) {
    List<String> lines = wrap(text, SCENARIO_WIDTH + 70);
    out.append(lines.get(0)).append('\n');
    lines.subList(1, lines.size()).forEach(l -> out.append("  ").append(l).append('\n'));
  }

  /**
   * Splits a spec after its commas into lines that fit the column; a piece longer than the column
   * is cut hard.
   */
  static List<String> wrap(String spec, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String piece : spec.split("(?<=,)")) {
      if (line.length() > 0 && line.length() + piece.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      line.append(piece);
      while (line.length() > width) {
        lines.add(line.substring(0, width));
        line.delete(0, width);
      }
    }
    if (line.length() > 0 || lines.isEmpty()) {
      lines.add(line.toString());
    }
    return lines;
  }

  static String mib(double bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / Units.MIB);
  }

  static String percent(double share) {
    return String.format(Locale.ROOT, "%.2f", 100 * share);
  }

  private static String seconds(long nanos) {
    return BigDecimal.valueOf(Units.seconds(nanos)).stripTrailingZeros().toPlainString() + " s";
  }
}
