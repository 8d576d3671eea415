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
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

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

  /** iommu:* tracepoints as ftrace prints them: {@code ...: map: IOMMU: ...}. */
  private static final Pattern IOMMU_LAYER =
      Pattern.compile(
          ": (?:iommu:)?(?:map|unmap|attach_device_to_domain|add_device_to_group|io_page_fault): ");

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
   * The guest trace's iommu:* layer only, written to {@code work}. A 6.12 guest traces each DMA-API
   * call twice (dma:* and the iommu:* map or unmap under it); the ftrace reader counts both layers
   * today, and a fix in progress makes it count one buffer once. Keeping only the iommu:* lines
   * gives the same events before and after that fix, and they are the layer QEMU sees (one IOMMU
   * map or unmap per request).
   */
  Path iommuLayer(Path work) throws IOException {
    Path out = work.resolve(name + "-iommu.txt");
    try (BufferedReader r =
            new BufferedReader(
                new InputStreamReader(
                    new GZIPInputStream(Files.newInputStream(dir.resolve("guest-ftrace.txt.gz"))),
                    StandardCharsets.UTF_8));
        BufferedWriter w = Files.newBufferedWriter(out)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("#") || IOMMU_LAYER.matcher(line).find()) {
          w.write(line);
          w.newLine();
        }
      }
    }
    return out;
  }

  /** Count of guest trace lines of the iommu:* {@code event} (map, unmap...). */
  long guestLines(Path iommuLayer, String event) throws IOException {
    String needle = ": " + event + ": ";
    try (var lines = Files.lines(iommuLayer)) {
      return lines.filter(l -> l.contains(needle)).count();
    }
  }

  /** The events the project's ftrace reader makes of {@code trace}, in order. */
  List<VmEvent> events(Path trace) throws IOException {
    List<VmEvent> events = new ArrayList<>();
    try (TraceSource source =
        TraceFiles.open(
            trace, "ftrace", new VmIdentity(name, "lab", guestBytes), RejectPolicy.STRICT)) {
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
