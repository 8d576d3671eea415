package io.coiommu.processor.engine;

import io.coiommu.schema.Anomaly;
import io.coiommu.schema.WindowResult;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/** A sink that keeps everything, with helpers to read one scenario's records. */
final class Collected implements EmulationSink {

  final List<WindowResult> windows = new ArrayList<>();
  final List<Anomaly> anomalies = new ArrayList<>();

  @Override
  public void window(WindowResult r) {
    windows.add(r);
  }

  @Override
  public void anomaly(Anomaly a) {
    anomalies.add(a);
  }

  /** Records of the first scenario whose name starts with {@code prefix}, in order. */
  List<WindowResult> of(String prefix) {
    String canonical = canonical(prefix);
    String name =
        windows.stream()
            .map(WindowResult::getScenario)
            .filter(s -> s.equals(canonical) || s.startsWith(prefix))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no scenario " + prefix));
    return windows.stream().filter(w -> w.getScenario().equals(name)).collect(Collectors.toList());
  }

  /** The canonical name of a one-scenario spec, or the text itself when it is only a prefix. */
  private static String canonical(String spec) {
    try {
      List<Scenario> s = ScenarioSpec.parse(spec);
      return s.size() == 1 ? s.get(0).name() : spec;
    } catch (IllegalArgumentException e) {
      return spec;
    }
  }

  long sum(String prefix, ToLongFunction<WindowResult> f) {
    return of(prefix).stream().mapToLong(f).sum();
  }

  long max(String prefix, ToLongFunction<WindowResult> f) {
    return of(prefix).stream().mapToLong(f).max().orElse(0);
  }

  /** The record of {@code prefix} whose span contains {@code tsNs}. */
  WindowResult at(String prefix, long tsNs) {
    return of(prefix).stream()
        .filter(w -> w.getWindowStartNs() <= tsNs && tsNs < w.getWindowEndNs())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no record of " + prefix + " covers " + tsNs));
  }

  List<String> reasons() {
    return anomalies.stream().map(Anomaly::getReason).collect(Collectors.toList());
  }
}
