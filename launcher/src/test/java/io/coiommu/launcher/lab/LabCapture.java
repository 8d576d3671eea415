package io.coiommu.launcher.lab;

import io.coiommu.processor.engine.EmulationSink;
import io.coiommu.processor.engine.EngineConfig;
import io.coiommu.processor.engine.Scenario;
import io.coiommu.processor.engine.ScenarioSpec;
import io.coiommu.processor.engine.VmEmulator;
import io.coiommu.producer.RejectPolicy;
import io.coiommu.producer.TraceFiles;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.VmEvent;
import io.coiommu.producer.VmIdentity;
import io.coiommu.schema.Anomaly;
import io.coiommu.schema.WindowResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One committed lab capture (lab/captures/NAME: guest-ftrace.txt.gz, qemu-trace.log.gz,
 * capture.json) and the project's figures for it: the guest trace replayed through the engine,
 * every default scenario, totals per scenario.
 */
final class LabCapture {

  /**
   * Where the captures live, from the launcher module's directory (Maven's working directory for
   * its tests).
   */
  static final Path CAPTURES = Path.of("..", "lab", "captures");

  private static final Pattern GUEST_MEMORY =
      Pattern.compile("\"guest_memory\":\\s*\"(\\d+)([mg])\"");

  final String name;
  final Path dir;
  final long guestBytes;

  private LabCapture(String name, Path dir, long guestBytes) {
    this.name = name;
    this.dir = dir;
    this.guestBytes = guestBytes;
  }

  static LabCapture open(String name) throws IOException {
    Path dir = CAPTURES.resolve(name);
    String json = Files.readString(dir.resolve("capture.json"));
    Matcher m = GUEST_MEMORY.matcher(json);
    if (!m.find()) {
      throw new IOException(dir.resolve("capture.json") + ": no guest_memory like \"1024m\"");
    }
    long bytes = Long.parseLong(m.group(1)) << (m.group(2).equals("g") ? 30 : 20);
    return new LabCapture(name, dir, bytes);
  }

  QemuTraceCounts qemu() throws IOException {
    return QemuTraceCounts.read(dir.resolve("qemu-trace.log.gz"));
  }

  /**
   * The events the project's ftrace reader makes of the whole guest trace, in order (`coiommu run
   * --format ftrace`).
   */
  List<VmEvent> guestEvents() throws IOException {
    List<VmEvent> events = new ArrayList<>();
    try (TraceSource source =
        TraceFiles.open(
            dir.resolve("guest-ftrace.txt.gz"),
            "ftrace",
            new VmIdentity(name, "lab", guestBytes),
            RejectPolicy.STRICT)) {
      source.forEachRemaining(events::add);
    }
    return events;
  }

  /**
   * The project's totals per scenario (by {@link Scenario#name()}) and anomalies by reason for
   * {@code events}.
   */
  static Figures project(List<VmEvent> events) {
    List<Scenario> scenarios = ScenarioSpec.parse(ScenarioSpec.DEFAULTS);
    Map<String, Totals> totals = new LinkedHashMap<>();
    for (Scenario s : scenarios) {
      totals.put(s.name(), new Totals());
    }
    Map<String, Long> anomalies = new TreeMap<>();
    VmEmulator emulator = new VmEmulator(events.get(0).vm(), scenarios, EngineConfig.defaults());
    EmulationSink sink =
        new EmulationSink() {
          @Override
          public void window(WindowResult r) {
            totals.get(r.getScenario()).add(r);
          }

          @Override
          public void anomaly(Anomaly a) {
            anomalies.merge(a.getReason(), 1L, Long::sum);
          }
        };
    for (VmEvent e : events) {
      emulator.onEvent(e.event(), sink);
    }
    emulator.finish(sink);
    return new Figures(totals, anomalies);
  }

  /**
   * The project's figures for one guest trace: totals per scenario, and the anomalies by reason.
   */
  record Figures(Map<String, Totals> scenarios, Map<String, Long> anomalies) {

    Totals scenario(String prefix) {
      return scenarios.entrySet().stream()
          .filter(e -> e.getKey().startsWith(prefix))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no scenario " + prefix))
          .getValue();
    }
  }

  /** One scenario's figures summed over the run. */
  static final class Totals {
    long exits;
    long notifications;
    long iotlbInvalidations;
    long vfioMaps;
    long vfioUnmaps;
    long pins;
    long peakPinnedPages;
    long anomalies;

    void add(WindowResult r) {
      exits += r.getExits();
      notifications += r.getNotifications();
      iotlbInvalidations += r.getIotlbInvalidations();
      vfioMaps += r.getVfioMaps();
      vfioUnmaps += r.getVfioUnmaps();
      pins += r.getPins();
      peakPinnedPages = Math.max(peakPinnedPages, r.getPeakPinnedPages());
      anomalies += r.getAnomalies();
    }

    @Override
    public String toString() {
      return "exits="
          + exits
          + " notifications="
          + notifications
          + " iotlb="
          + iotlbInvalidations
          + " vfio.map="
          + vfioMaps
          + " vfio.unmap="
          + vfioUnmaps
          + " pins="
          + pins
          + " peakPinned="
          + peakPinnedPages
          + " anomalies="
          + anomalies;
    }
  }
}
