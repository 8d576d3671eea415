// The engine alone on the same events for two builds: the built-in sample without its DMA_ACCESS
// events (generators before issue #15 emitted none), one VmEmulator per VM, events interleaved as
// generated, 1 warm-up pass and 7 timed passes, median printed. Public API only, so it compiles
// against any jar of the project:
//
//   java -Xmx8g -cp OLD.jar docs/bench/EngineAb.java sample:duration=360s [SCENARIOS]
//   java -Xmx8g -cp NEW.jar docs/bench/EngineAb.java sample:duration=360s [SCENARIOS]
//
// Run the two alternately in one sitting on a quiet machine (docs/performance.md).
import io.coiommu.processor.engine.EmulationSink;
import io.coiommu.processor.engine.EngineConfig;
import io.coiommu.processor.engine.Scenario;
import io.coiommu.processor.engine.ScenarioSpec;
import io.coiommu.processor.engine.VmEmulator;
import io.coiommu.producer.EndOfTrace;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.Workloads;
import io.coiommu.schema.Anomaly;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import io.coiommu.schema.WindowResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

public class EngineAb {
  static final class Sink implements EmulationSink {
    long n;

    public void window(WindowResult r) {
      n++;
    }

    public void anomaly(Anomaly a) {
      n++;
    }
  }

  public static void main(String[] args) {
    String workload = args[0];
    String spec = args.length > 1 ? args[1] : ScenarioSpec.DEFAULTS;
    List<String> vms = new ArrayList<>();
    List<TraceEvent> events = new ArrayList<>();
    try (TraceSource s = EndOfTrace.stopOpenVms(Workloads.open(workload))) {
      while (s.hasNext()) {
        var e = s.next();
        if (e.event().getType() != EventType.DMA_ACCESS) {
          vms.add(e.vm());
          events.add(e.event());
        }
      }
    }
    List<Scenario> scenarios = ScenarioSpec.parse(spec);
    List<Double> rates = new ArrayList<>();
    for (int pass = 0; pass < 8; pass++) {
      Sink sink = new Sink();
      long t0 = System.nanoTime();
      Map<String, VmEmulator> emulators = new HashMap<>();
      for (int i = 0; i < events.size(); i++) {
        emulators
            .computeIfAbsent(vms.get(i), v -> new VmEmulator(v, scenarios, EngineConfig.defaults()))
            .onEvent(events.get(i), sink);
      }
      for (VmEmulator e : emulators.values()) {
        if (!e.finished()) {
          e.finish(sink);
        }
      }
      double rate = events.size() / ((System.nanoTime() - t0) / 1e9);
      if (pass > 0) {
        rates.add(rate);
      }
      System.out.printf("pass %d: %,.0f ev/s (%d results)%n", pass, rate, sink.n);
    }
    Collections.sort(rates);
    System.out.printf(
        "%s events=%d median=%,.0f ev/s%n", spec, events.size(), rates.get(rates.size() / 2));
  }
}
