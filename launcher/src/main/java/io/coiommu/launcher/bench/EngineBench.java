package io.coiommu.launcher.bench;

import io.coiommu.processor.ProcessorConfig;
import io.coiommu.processor.engine.EmulationSink;
import io.coiommu.processor.engine.EngineConfig;
import io.coiommu.processor.engine.Scenario;
import io.coiommu.processor.engine.VmEmulator;
import io.coiommu.producer.VmEvent;
import io.coiommu.schema.Anomaly;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.WindowResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine alone: the trace's events handed to one {@link VmEmulator} per VM on one thread, in
 * memory, results counted and dropped. This is the limit the Kafka pipeline is measured against, so
 * the events come in the producer's per-VM batches ({@link BenchTrace#inProducerBatches()}), as a
 * processor task feeds them: fed interleaved in trace time instead, each event of a 1,000-VM fleet
 * would switch to another VM's cold state, a cost the pipeline never pays.
 */
final class EngineBench {

  /** Counts what the engine emits, so that the JIT cannot drop the work that produced it. */
  static final class CountingSink implements EmulationSink {
    long windows;
    long anomalies;

    @Override
    public void window(WindowResult r) {
      windows++;
    }

    @Override
    public void anomaly(Anomaly a) {
      anomalies++;
    }
  }

  private EngineBench() {}

  /** Events per second of one pass over the trace, every VM's emulation finished at the end. */
  static double eventsPerSecond(BenchTrace trace, List<Scenario> scenarios, EngineConfig config) {
    CountingSink sink = new CountingSink();
    List<EventColumns> batches = trace.inProducerBatches();
    long t0 = System.nanoTime();
    runBatches(batches, scenarios, config, sink);
    long elapsed = System.nanoTime() - t0;
    if (sink.windows == 0) {
      throw new IllegalStateException("the engine emitted no result for " + trace.describe());
    }
    return trace.size() / (elapsed / 1e9);
  }

  /**
   * Events per second over passes of the trace, fed as {@link #eventsPerSecond} feeds it, repeated
   * for at least {@code nanos} and measured as a whole: for a trace too short to time one pass.
   */
  static double eventsPerSecondFor(BenchTrace trace, ProcessorConfig config, long nanos) {
    List<EventColumns> batches = trace.inProducerBatches();
    long events = 0;
    long t0 = System.nanoTime();
    long elapsed;
    do {
      runBatches(batches, config.scenarios(), config.engine(), new CountingSink());
      events += trace.size();
      elapsed = System.nanoTime() - t0;
    } while (elapsed < nanos);
    return events / (elapsed / 1e9);
  }

  /**
   * What {@code EmulationProcessor} does per batch, without Kafka: an emulator per VM, dropped once
   * it stops, fed each batch's columns in place.
   */
  static void runBatches(
      List<EventColumns> batches,
      List<Scenario> scenarios,
      EngineConfig config,
      EmulationSink sink) {
    Map<String, VmEmulator> emulators = new HashMap<>();
    for (EventColumns batch : batches) {
      String vm = batch.vm();
      VmEmulator emulator = emulators.get(vm);
      for (int i = 0; i < batch.size(); ) {
        if (emulator == null) {
          emulator = new VmEmulator(vm, scenarios, config);
          emulators.put(vm, emulator);
        }
        i = emulator.onEvents(batch, i, batch.size(), sink);
        if (emulator.finished()) {
          emulators.remove(vm);
          emulator = null;
        }
      }
    }
    for (VmEmulator emulator : emulators.values()) {
      emulator.finish(sink);
    }
  }

  /** The events one by one, in the order given: an emulator per VM, dropped once it stops. */
  static void run(
      List<VmEvent> events, List<Scenario> scenarios, EngineConfig config, EmulationSink sink) {
    for (VmEmulator emulator : feed(events, scenarios, config, sink).values()) {
      emulator.finish(sink);
    }
  }

  /** Hands the events to their VMs' emulators and returns those still running at the end. */
  static Map<String, VmEmulator> feed(
      List<VmEvent> events, List<Scenario> scenarios, EngineConfig config, EmulationSink sink) {
    Map<String, VmEmulator> emulators = new HashMap<>();
    String lastVm = null;
    VmEmulator last = null;
    for (VmEvent e : events) {
      if (!e.vm().equals(lastVm)) {
        lastVm = e.vm();
        last = emulators.get(lastVm);
        if (last == null) {
          // Not computeIfAbsent: its capturing lambda was an allocation per VM switch.
          last = new VmEmulator(lastVm, scenarios, config);
          emulators.put(lastVm, last);
        }
      }
      last.onEvent(e.event(), sink);
      if (last.finished()) {
        emulators.remove(lastVm);
        lastVm = null;
      }
    }
    return emulators;
  }
}
