// The engine alone on the same events for two builds: the built-in sample without its DMA_ACCESS
// events (generators before issue #15 emitted none), one VmEmulator per VM, events interleaved as
// generated. Public API only, so it compiles against any jar of the project.
//
// One build, 1 warm-up pass and 7 timed passes, medians printed: wall time and the thread's CPU
// time (the CPU figure holds up better on a shared machine, where the thread waits for a core):
//
//   java -Xmx8g -cp A.jar docs/bench/EngineAb.java sample:duration=360s [SCENARIOS]
//
// Two builds in one JVM, each jar in a class loader of its own with its own copy of the events,
// passes alternating A B B A A B ... (2 warm-up passes each, then PAIRS timed pairs, 7 unless
// given): a change of the machine's load hits both sides alike, so the ratio of a pair is the
// figure to trust on a shared machine, and the median of the pairs' ratios is printed:
//
//   java -Xmx12g -cp A.jar docs/bench/EngineAb.java A.jar B.jar sample:duration=360s [SCENARIOS [PAIRS]]
//
// With -Dfeed=batches the same events go in per-VM batches of up to 4,096 (cut here, so both jars
// get the same ones), decoded into columns, as a processor task (and the bench's engine figure)
// feeds them: the feed to use for a fleet, whose VMs a per-event interleaving would switch on every
// event. Both builds need EventColumns for it (the commit before issue #15 has it). A build whose VmEmulator has
// onEvents (issue #14, engine-columns) is fed each batch's columns in place through it, as its
// processor is; an older one through the reused event. onEvents is looked up, not called by name,
// so that this file still compiles against an older jar.
import io.coiommu.processor.engine.EmulationSink;
import io.coiommu.processor.engine.EngineConfig;
import io.coiommu.processor.engine.Scenario;
import io.coiommu.processor.engine.ScenarioSpec;
import io.coiommu.processor.engine.VmEmulator;
import io.coiommu.producer.EndOfTrace;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.Workloads;
import io.coiommu.schema.Anomaly;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import io.coiommu.schema.WindowResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

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

  static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    if (args[0].endsWith(".jar")) {
      pairs(args);
      return;
    }
    String spec = args.length > 1 ? args[1] : ScenarioSpec.DEFAULTS;
    long[] events = new long[1];
    LongSupplier pass = passOver(args[0], spec, events);
    List<Double> rates = new ArrayList<>();
    List<Double> cpuRates = new ArrayList<>();
    for (int p = 0; p < 8; p++) {
      long c0 = THREADS.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      long results = pass.getAsLong();
      double rate = events[0] / ((System.nanoTime() - t0) / 1e9);
      double cpuRate = events[0] / ((THREADS.getCurrentThreadCpuTime() - c0) / 1e9);
      if (p > 0) {
        rates.add(rate);
        cpuRates.add(cpuRate);
      }
      System.out.printf(
          "pass %d: %,.0f ev/s wall, %,.0f ev/s cpu (%d results)%n", p, rate, cpuRate, results);
    }
    System.out.printf(
        "%s events=%d median=%,.0f ev/s wall, %,.0f ev/s cpu%n",
        spec, events[0], median(rates), median(cpuRates));
  }

  /**
   * Reads the workload's events and returns one pass of the engine over them (its result is the
   * number of records emitted); {@code events[0]} is set to the number of events.
   */
  public static LongSupplier passOver(String workload, String spec, long[] events) {
    if (System.getProperty("feed", "events").equals("batches")) {
      return batchesOf(workload, spec, events);
    }
    List<String> vms = new ArrayList<>();
    List<TraceEvent> trace = new ArrayList<>();
    try (TraceSource s = EndOfTrace.stopOpenVms(Workloads.open(workload))) {
      while (s.hasNext()) {
        var e = s.next();
        if (e.event().getType() != EventType.DMA_ACCESS) {
          vms.add(e.vm());
          trace.add(e.event());
        }
      }
    }
    events[0] = trace.size();
    List<Scenario> scenarios = ScenarioSpec.parse(spec);
    return () -> {
      Sink sink = new Sink();
      Map<String, VmEmulator> emulators = new HashMap<>();
      for (int i = 0; i < trace.size(); i++) {
        // get and put, not computeIfAbsent with a capturing lambda: that allocated a lambda per
        // event, a third of a coiommu-only pass's samples, which diluted the engine's share.
        String vm = vms.get(i);
        VmEmulator emulator = emulators.get(vm);
        if (emulator == null) {
          emulator = new VmEmulator(vm, scenarios, EngineConfig.defaults());
          emulators.put(vm, emulator);
        }
        emulator.onEvent(trace.get(i), sink);
      }
      for (VmEmulator e : emulators.values()) {
        if (!e.finished()) {
          e.finish(sink);
        }
      }
      return sink.n;
    };
  }

  /** Events a VM's batch holds at most, as the producer's batcher cuts them by default. */
  static final int BATCH = 4096;

  /**
   * {@link #passOver} fed per-VM batches, as EngineBench.runBatches feeds them. The batches are cut
   * here, not by the producer's VmBatcher, so that both jars get the same ones: a VM's events in
   * its order, a batch ending at BATCH events or at the VM's stop, the rest at the trace's end.
   */
  static LongSupplier batchesOf(String workload, String spec, long[] events) {
    List<EventColumns> batches = new ArrayList<>();
    Map<String, List<TraceEvent>> pending = new LinkedHashMap<>();
    try (TraceSource s = EndOfTrace.stopOpenVms(Workloads.open(workload))) {
      while (s.hasNext()) {
        var e = s.next();
        if (e.event().getType() == EventType.DMA_ACCESS) {
          continue;
        }
        List<TraceEvent> vm = pending.computeIfAbsent(e.vm(), k -> new ArrayList<>());
        vm.add(e.event());
        events[0]++;
        if (vm.size() == BATCH || e.event().getType() == EventType.VM_STOP) {
          batches.add(EventColumns.of(EventColumns.encode(e.vm(), batches.size(), vm)));
          pending.remove(e.vm());
        }
      }
    }
    pending.forEach((vm, rest) -> batches.add(EventColumns.of(EventColumns.encode(vm, 0, rest))));
    List<Scenario> scenarios = ScenarioSpec.parse(spec);
    MethodHandle onEvents = onEventsIfAny();
    System.out.println(
        "feed: per-VM batches, " + (onEvents != null ? "columns in place" : "one reused event"));
    return () -> {
      Sink sink = new Sink();
      Map<String, VmEmulator> emulators = new HashMap<>();
      TraceEvent current = new TraceEvent();
      for (EventColumns batch : batches) {
        VmEmulator emulator = emulators.get(batch.vm());
        for (int i = 0; i < batch.size(); ) {
          if (emulator == null) {
            emulator = new VmEmulator(batch.vm(), scenarios, EngineConfig.defaults());
            emulators.put(batch.vm(), emulator);
          }
          if (onEvents != null) {
            i = onEvents(onEvents, emulator, batch, i, sink);
          } else {
            emulator.onEvent(batch.event(i++, current), sink);
          }
          if (emulator.finished()) {
            emulators.remove(batch.vm());
            emulator = null;
          }
        }
      }
      for (VmEmulator e : emulators.values()) {
        e.finish(sink);
      }
      return sink.n;
    };
  }

  /** VmEmulator.onEvents(EventColumns, int, int, EmulationSink) of this build, or null. */
  static MethodHandle onEventsIfAny() {
    try {
      return MethodHandles.publicLookup()
          .findVirtual(
              VmEmulator.class,
              "onEvents",
              MethodType.methodType(
                  int.class, EventColumns.class, int.class, int.class, EmulationSink.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null;
    }
  }

  static int onEvents(
      MethodHandle onEvents, VmEmulator emulator, EventColumns batch, int from, Sink sink) {
    try {
      return (int) onEvents.invokeExact(emulator, batch, from, batch.size(), (EmulationSink) sink);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** The jar's classes, and this program's own (compiled in memory by the source launcher). */
  static final class JarLoader extends URLClassLoader {
    JarLoader(Path jar) throws IOException {
      super(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      if (!name.equals("EngineAb") && !name.startsWith("EngineAb$")) {
        return super.findClass(name);
      }
      try (InputStream in =
          EngineAb.class.getClassLoader().getResourceAsStream(name.replace('.', '/') + ".class")) {
        byte[] b = in.readAllBytes();
        return defineClass(name, b, 0, b.length);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static void pairs(String[] args) throws Exception {
    String workload = args[2];
    String spec = args.length > 3 ? args[3] : ScenarioSpec.DEFAULTS;
    int pairs = args.length > 4 ? Integer.parseInt(args[4]) : 7;
    LongSupplier[] side = new LongSupplier[2];
    long[][] events = new long[2][1];
    for (int s = 0; s < 2; s++) {
      Class<?> ab = Class.forName("EngineAb", true, new JarLoader(Path.of(args[s])));
      side[s] =
          (LongSupplier)
              ab.getMethod("passOver", String.class, String.class, long[].class)
                  .invoke(null, workload, spec, events[s]);
    }
    if (events[0][0] != events[1][0]) {
      throw new IllegalStateException(
          "the builds generated different traces: " + events[0][0] + " vs " + events[1][0]);
    }
    List<List<Double>> cpu = List.of(new ArrayList<>(), new ArrayList<>());
    List<Double> ratios = new ArrayList<>();
    for (int p = -2; p < pairs; p++) {
      double[] rate = new double[2];
      long[] results = new long[2];
      // A B, then B A: neither side always runs right after the other's garbage.
      for (int k = 0; k < 2; k++) {
        int s = (p & 1) == 0 ? k : 1 - k;
        long c0 = THREADS.getCurrentThreadCpuTime();
        results[s] = side[s].getAsLong();
        rate[s] = events[s][0] / ((THREADS.getCurrentThreadCpuTime() - c0) / 1e9);
      }
      if (results[0] != results[1]) {
        throw new IllegalStateException(
            "the builds emitted " + results[0] + " and " + results[1] + " records");
      }
      System.out.printf(
          "%s %d: A %,.0f  B %,.0f ev/s cpu  B/A %.3f%n",
          p < 0 ? "warm-up" : "pair", p, rate[0], rate[1], rate[1] / rate[0]);
      if (p >= 0) {
        cpu.get(0).add(rate[0]);
        cpu.get(1).add(rate[1]);
        ratios.add(rate[1] / rate[0]);
      }
    }
    System.out.printf(
        "%s events=%d%nA %s median %,.0f ev/s cpu%nB %s median %,.0f ev/s cpu%nB/A median of"
            + " pairs %.3f (min %.3f, max %.3f)%n",
        spec,
        events[0][0],
        args[0],
        median(cpu.get(0)),
        args[1],
        median(cpu.get(1)),
        median(ratios),
        Collections.min(ratios),
        Collections.max(ratios));
  }

  static double median(List<Double> xs) {
    List<Double> sorted = new ArrayList<>(xs);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
