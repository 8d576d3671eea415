// The engine's heap per VM: a workload's events fed to one VmEmulator per VM (in the producer's
// per-VM batches, as a task feeds them) without its VM_STOP events, so every VM is still running
// with its state; then the heap after a full collection with the emulators held and after dropping
// them. The difference over the number of VMs is what the engine keeps per VM, and the class
// histogram of the live heap shows where it goes; the digest of every VM's snapshot tells whether
// two builds write the same bytes for the same state. Public API only, so it runs against any jar
// that has EventColumns:
//
//   java -Xmx8g -cp A.jar docs/bench/EngineHeap.java fleet:hosts=50,vms=1000,duration=2s,seed=3 [SCENARIOS]
import io.coiommu.processor.engine.EmulationSink;
import io.coiommu.processor.engine.EngineConfig;
import io.coiommu.processor.engine.Scenario;
import io.coiommu.processor.engine.ScenarioSpec;
import io.coiommu.processor.engine.VmEmulator;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.VmBatcher;
import io.coiommu.producer.VmEvent;
import io.coiommu.producer.Workloads;
import io.coiommu.schema.Anomaly;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import io.coiommu.schema.WindowResult;
import java.lang.management.ManagementFactory;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.management.ObjectName;

public class EngineHeap {
  static final class Sink implements EmulationSink {
    public void window(WindowResult r) {}

    public void anomaly(Anomaly a) {}
  }

  public static void main(String[] args) throws Exception {
    String workload = args[0];
    List<Scenario> scenarios = ScenarioSpec.parse(args.length > 1 ? args[1] : ScenarioSpec.DEFAULTS);
    List<EventColumns> batches = new ArrayList<>();
    VmBatcher batcher = VmBatcher.likeTraceProducer(b -> batches.add(EventColumns.of(b)));
    long events = 0;
    // No VM_STOP and no EndOfTrace: every VM keeps its state.
    try (TraceSource s = Workloads.open(workload)) {
      while (s.hasNext()) {
        VmEvent e = s.next();
        if (e.event().getType() != EventType.VM_STOP) {
          batcher.add(e);
          events++;
        }
      }
    }
    batcher.flushAll();
    Map<String, VmEmulator> emulators = new HashMap<>();
    TraceEvent current = new TraceEvent();
    Sink sink = new Sink();
    for (EventColumns batch : batches) {
      VmEmulator emulator =
          emulators.computeIfAbsent(
              batch.vm(), vm -> new VmEmulator(vm, scenarios, EngineConfig.defaults()));
      for (int i = 0; i < batch.size(); i++) {
        emulator.onEvent(batch.event(i, current), sink);
      }
    }
    emulators.values().removeIf(VmEmulator::finished);
    batches.clear();
    long withEmulators = usedAfterGc();
    String histogram =
        (String)
            ManagementFactory.getPlatformMBeanServer()
                .invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram",
                    new Object[] {new String[0]},
                    new String[] {String[].class.getName()});
    int vms = emulators.size();
    long[] snapshotBytes = new long[1];
    String digest = snapshotDigest(emulators, snapshotBytes);
    emulators.clear();
    long without = usedAfterGc();
    System.out.printf(
        "%s, %d events, %d VMs running: engine heap %,d bytes per VM (snapshot %,d bytes per VM,"
            + " SHA-256 of all %s)%n",
        workload,
        events,
        vms,
        (withEmulators - without) / vms,
        snapshotBytes[0] / vms,
        digest);
    histogram.lines().limit(25).forEach(System.out::println);
  }

  /**
   * SHA-256 of the VMs' snapshots in VM order; {@code bytes[0]} gets their size. A method of its
   * own so that no local of main's frame keeps the emulators reachable after they are dropped.
   */
  static String snapshotDigest(Map<String, VmEmulator> emulators, long[] bytes) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    for (VmEmulator e : new TreeMap<>(emulators).values()) {
      byte[] snapshot = e.snapshot();
      bytes[0] += snapshot.length;
      digest.update(snapshot);
    }
    return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
  }

  static long usedAfterGc() {
    Runtime r = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    // The smallest of a few collections: one may still be finishing a concurrent cycle.
    for (int i = 0; i < 3; i++) {
      System.gc();
      used = Math.min(used, r.totalMemory() - r.freeMemory());
    }
    return used;
  }
}
