package io.coiommu.launcher.bench;

import io.coiommu.launcher.DurationConverter;
import io.coiommu.launcher.kafka.EmbeddedKafkaCluster;
import io.coiommu.processor.ProcessorConfig;
import io.coiommu.processor.engine.Scenario;
import io.coiommu.processor.engine.ScenarioSpec;
import io.coiommu.producer.Pacing;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Measures, on one generated trace and in one run, what issue #7 asks: the engine alone, the whole
 * Kafka path, Kafka's own ProducerPerformance on the same broker, heap per tracked page, and
 * window-result latency at 1x. Every throughput figure is taken once per repeat and reported as the
 * median; ratios are taken within a repeat, then their median. The passes end to end share one
 * embedded broker (see {@link EndToEndBench}); ProducerPerformance and latency start a broker each
 * repeat.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measures throughput (engine alone, end to end, Kafka's ProducerPerformance), heap per tracked "
          + "page and window-result latency on one generated trace, and compares them with issue #7's targets.",
      "--jmh runs the JMH microbenchmarks of each policy's hot path instead."
    })
public final class BenchCommand implements Callable<Integer> {

  /**
   * The coIOMMU scenario whose engine speed has its own target: crosvm's documented LRU example.
   */
  static final String COIOMMU_LRU = "coiommu:unpin=lru,interval=10s,limit=8192";

  @Spec CommandSpec spec;

  /**
   * The built-in sample, four times longer than {@code run}'s: at millions of events per second its
   * 90 s pass through the pipeline in about a second, which would measure start-up and one commit's
   * latency as much as throughput.
   */
  static final String DEFAULT_WORKLOAD = "sample:duration=360s";

  @Option(
      names = "--workload",
      paramLabel = "SPEC",
      description = "Synthetic workload to generate (docs/traces.md). Default: ${DEFAULT-VALUE}")
  String workload = DEFAULT_WORKLOAD;

  @Option(
      names = "--repeats",
      paramLabel = "N",
      description = "Throughput repeats. Default: ${DEFAULT-VALUE}")
  int repeats = 3;

  @Option(
      names = "--latency-seconds",
      paramLabel = "S",
      description =
          "Trace seconds replayed at 1x for the latency figures (0 skips them). Default: ${DEFAULT-VALUE}")
  int latencySeconds = 20;

  @Option(
      names = "--perf-records",
      paramLabel = "N",
      description = "Records ProducerPerformance sends per repeat. Default: ${DEFAULT-VALUE}")
  long perfRecords = 2_000_000;

  @Option(
      names = "--heap-pages",
      paramLabel = "N",
      description = "Distinct pages mapped for the all-live heap figure. Default: ${DEFAULT-VALUE}")
  int heapPages = 1_000_000;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      description = "Partitions of the trace and result topics. Default: ${DEFAULT-VALUE}")
  int partitions = 2;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description =
          "Give up on an end-to-end run after this many seconds. Default: ${DEFAULT-VALUE}")
  int timeoutSeconds = 600;

  @Option(
      names = "--warm-up",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "The longest the untimed passes end to end may take; they end sooner, from the second on,"
              + " once the JIT takes under 5 %% of a pass's CPU. Default: 2m")
  Duration warmUp = EndToEndBench.DEFAULT_MAX_WARM_UP;

  @Option(
      names = "--end-to-end-only",
      description =
          "Measure only the end-to-end figure and the state it commits (no engine, "
              + "ProducerPerformance, heap or latency phases): for profiling the pipeline.")
  boolean endToEndOnly;

  @Option(
      names = "--jmh",
      description = "Run the JMH microbenchmarks (PolicyHotPath) and nothing else.")
  boolean jmh;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (jmh) {
      new Runner(new OptionsBuilder().include(PolicyHotPath.class.getName()).build()).run();
      return 0;
    }
    if (repeats < 1) {
      throw new IllegalArgumentException("--repeats must be at least 1");
    }
    ProcessorConfig config = ProcessorConfig.defaults();
    List<Scenario> lru = ScenarioSpec.parse(COIOMMU_LRU);
    if (endToEndOnly) {
      return EndToEndOnly.run(out, workload, config, repeats, partitions, timeoutSeconds, warmUp);
    }
    out.println("generating the trace ...");
    out.flush();
    BenchTrace trace = BenchTrace.generate(workload);
    // The generator alone, next to that drain of the same workload and after untimed drains of its
    // own (GeneratorThroughput.settled). Measured after the engine's first passes, as it was, it
    // read 4.6-5.8 M events/s on the 1,000-VM fleet in two runs of three, where drains right after
    // it in the same JVM read 9.6-11.3 M: the generator paid for whatever the engine's passes left
    // behind (recompiles or collections; which, not found). Issue #14.
    GeneratorThroughput.Rate generator = GeneratorThroughput.eventsPerSecond(workload, repeats);
    // A fleet's per-event engine cost is measured against a 10-VM fleet of the same mix (issue
    // #14).
    BenchTrace small =
        FleetSpecs.isFleet(workload) ? BenchTrace.generate(FleetSpecs.tenVms(workload)) : null;
    out.printf(
        Locale.ROOT,
        "trace: %s, %d VMs; %d default scenarios; %d cores, machine shared with other work%n",
        trace.describe(),
        trace.vms().size(),
        config.scenarios().size(),
        Runtime.getRuntime().availableProcessors());

    // A first pass compiles the engine's hot paths, so the first repeat is not a measure of the
    // JIT.
    EngineBench.eventsPerSecond(trace, config.scenarios(), config.engine());
    EngineBench.eventsPerSecond(trace, lru, config.engine());

    Throughput t = new Throughput();
    t.generator = generator;
    double traceSeconds = trace.traceSeconds();
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    // Every engine figure before any pass end to end, on code that only the engine bench trained:
    // the end-to-end passes run the same engine under the processor's calls, and engine passes
    // after them measured 4.2-4.7 M events/s on the 1,000-VM fleet against 7.8 M before them, with
    // the same jar on the same quiet machine (issue #14).
    for (int r = 1; r <= repeats; r++) {
      t.engine.add(EngineBench.eventsPerSecond(trace, config.scenarios(), config.engine()));
      t.engineLru.add(EngineBench.eventsPerSecond(trace, lru, config.engine()));
      if (small != null) {
        t.engineSmall.add(EngineBench.eventsPerSecondFor(small, config, SMALL_ENGINE_NANOS));
      }
    }
    trace.forgetBatches();
    small = null;
    // Then untimed passes end to end: the producer's, Streams' and the broker's paths compile in
    // them. They and the timed passes share one broker, as a deployment's processors share one that
    // runs for weeks (EndToEndBench.pass starts each pass clean).
    try (EmbeddedKafkaCluster broker = EmbeddedKafkaCluster.start(1)) {
      EndToEndBench.warmUp(
          warmUp,
          w -> {
            EndToEndBench.Outcome pass =
                EndToEndBench.pass(broker, trace, config, partitions, timeout);
            out.printf(
                Locale.ROOT,
                "warm-up %d: end to end %s ev/s, the JIT %.0f %% of the CPU%n",
                w,
                Figures.format(pass.eventsPerSecond()),
                100 * pass.jitShare());
            out.flush();
            return pass;
          });
      for (int r = 1; r <= repeats; r++) {
        PeakHeap.reset();
        EndToEndBench.Outcome run = EndToEndBench.pass(broker, trace, config, partitions, timeout);
        t.peakHeapBytes.add((double) PeakHeap.usedBytes());
        t.endToEnd.add(run.eventsPerSecond());
        t.endToEndCpu.add(run.cpuMicrosPerEvent());
        t.afterSentShare.add(run.afterSentShare());
        t.coresBusyAfterSent.add(run.coresBusyAfterSent());
        t.busiestStreamThreadShare.add(run.busiestStreamThreadShare());
        t.changelogPerTraceSecond.add(run.changelogBytes() / traceSeconds);
        t.stateWrittenPerTraceSecond.add(run.stateBytesWritten() / traceSeconds);
        t.stateWholePerTraceSecond.add(run.stateBytesWhole() / traceSeconds);
        out.printf(
            Locale.ROOT,
            "repeat %d/%d: engine %s ev/s, coiommu lru %s ev/s, end to end %s ev/s, "
                + "changelog %s B per trace s%n",
            r,
            repeats,
            Figures.format(t.engine.get(r - 1)),
            Figures.format(t.engineLru.get(r - 1)),
            Figures.format(t.endToEnd.get(r - 1)),
            Figures.format(t.changelogPerTraceSecond.get(r - 1)));
        out.flush();
      }
    }
    // ProducerPerformance after every pass end to end: between them, its byte-array records trained
    // the same producer and broker code on another shape. Each repeat keeps a broker of its own, as
    // every ProducerPerformance figure so far was measured: it measures Kafka's producer alone, the
    // reference of target 3, not the pipeline that shares a broker above.
    for (int r = 1; r <= repeats; r++) {
      try (EmbeddedKafkaCluster broker = EmbeddedKafkaCluster.start(1)) {
        EndToEndBench.createTopics(
            broker.clientProperties(), partitions, ProducerPerformanceBench.TOPIC);
        t.producerPerf.add(
            ProducerPerformanceBench.recordsPerSecond(broker.bootstrapServers(), perfRecords));
      }
      out.printf(
          Locale.ROOT,
          "ProducerPerformance %d/%d: %s rec/s%n",
          r,
          repeats,
          Figures.format(t.producerPerf.get(r - 1)));
      out.flush();
    }

    out.println("measuring heap per tracked page ...");
    out.flush();
    HeapFigures heap = HeapFigures.measure(trace, config, heapPages);

    Latencies latency = new Latencies();
    if (latencySeconds > 0) {
      BenchTrace paced = trace.firstNanos(latencySeconds * 1_000_000_000L);
      for (int r = 1; r <= repeats; r++) {
        out.printf(
            Locale.ROOT, "latency %d/%d: replaying %s at 1x ...%n", r, repeats, paced.describe());
        out.flush();
        WindowLatency run = new WindowLatency(paced.events());
        // A broker of its own per repeat, as every latency figure so far was measured: latency at
        // 1x is wall time of a paced replay, not the throughput that the shared broker is for.
        try (EmbeddedKafkaCluster broker = EmbeddedKafkaCluster.start(1)) {
          Properties client = broker.clientProperties();
          EndToEndBench.createTopics(client, partitions);
          EndToEndBench.run(client, paced, config, Pacing.parse("1x"), run::produced, run, timeout);
        }
        latency.add(run);
      }
    }
    print(out, t, heap, config.scenarios(), latency);
    return 0;
  }

  /**
   * The 10-VM fleet's trace is a hundredth of the big one's: it is replayed for at least this long
   * and measured as a whole.
   */
  private static final long SMALL_ENGINE_NANOS = 3_000_000_000L;

  private void print(
      PrintWriter out,
      Throughput t,
      HeapFigures heap,
      List<Scenario> scenarios,
      Latencies latency) {
    double engine = Figures.median(t.engine);
    double engineLru = Figures.median(t.engineLru);
    double endToEnd = Figures.median(t.endToEnd);
    List<Double> overEngine = new ArrayList<>();
    List<Double> overPerf = new ArrayList<>();
    // What bounds 2/1 on this machine: the pipeline's CPU per event, all threads counted, over the
    // cores that share it. The engine alone runs on one core; end to end, the producer, the broker
    // and Streams run on all of them.
    int cores = Runtime.getRuntime().availableProcessors();
    List<Double> ceilingOverEngine = new ArrayList<>();
    List<Double> coresBusy = new ArrayList<>();
    for (int i = 0; i < t.endToEnd.size(); i++) {
      overEngine.add(t.endToEnd.get(i) / t.engine.get(i));
      overPerf.add(t.endToEnd.get(i) / t.producerPerf.get(i));
      double cpuSecondsPerEvent = t.endToEndCpu.get(i) / 1e6;
      ceilingOverEngine.add(cores / cpuSecondsPerEvent / t.engine.get(i));
      coresBusy.add(t.endToEnd.get(i) * cpuSecondsPerEvent / cores);
    }
    out.println();
    out.printf(
        "== throughput: median of %d repeats (each repeat in parentheses) ==%n", t.engine.size());
    out.printf(
        "  1. engine only, %d default scenarios, 1 thread   %s events/s%n",
        scenarios.size(), Figures.withRepeats(t.engine));
    out.printf(
        "     engine only, %s alone   %s events/s%n",
        COIOMMU_LRU, Figures.withRepeats(t.engineLru));
    out.printf(
        "  2. end to end, %d default scenarios              %s events/s%n",
        scenarios.size(), Figures.withRepeats(t.endToEnd));
    out.printf(
        "     end to end, CPU of the whole process          %s us/event  (all threads, GC, JIT)%n",
        Figures.withRepeats(t.endToEndCpu));
    out.printf(
        "  3. ProducerPerformance, %d-byte records        %s records/s%n",
        ProducerPerformanceBench.RECORD_BYTES, Figures.withRepeats(t.producerPerf));
    out.printf(
        "  2/1 end to end / engine only                    %s%n", Figures.withRepeats(overEngine));
    out.printf(
        "  2/1 were the cores busy throughout, at most     %s  (%d cores / CPU per event, "
            + "over engine only)%n",
        Figures.withRepeats(ceilingOverEngine), cores);
    out.printf(
        "  cores busy during end to end                    %s  (CPU per event x events/s / cores)%n",
        Figures.withRepeats(coresBusy));
    out.printf(
        "  share of end to end after the last event sent   %s  (%s cores busy then)%n",
        Figures.withRepeats(t.afterSentShare), Figures.withRepeats(t.coresBusyAfterSent));
    out.printf(
        "  busiest stream thread's share of their CPU      %s  (each owns whole partitions, so"
            + " whole VMs)%n",
        Figures.withRepeats(t.busiestStreamThreadShare));
    out.printf(
        "  2/3 end to end / ProducerPerformance            %s%n", Figures.withRepeats(overPerf));
    out.printf(
        "  state changelog bytes per second of trace        %s B/s  (on the broker's disk, lz4)%n",
        Figures.withRepeats(t.changelogPerTraceSecond));
    out.printf(
        "  state bytes committed per second of trace        %s B/s  (changed pieces, uncompressed)%n",
        Figures.withRepeats(t.stateWrittenPerTraceSecond));
    out.printf(
        "  same commits writing whole VM states (before)    %s B/s%n",
        Figures.withRepeats(t.stateWholePerTraceSecond));
    out.printf(
        "  peak heap used during end to end (pools' peaks)  %s MiB (max heap %,d MiB)%n",
        Figures.withRepeats(t.peakHeapBytes.stream().map(b -> b / (1 << 20)).toList()),
        Runtime.getRuntime().maxMemory() >> 20);
    out.printf(
        "  workload generator alone, 1 thread               %s events/s  (after %d untimed drains)%n",
        Figures.format(t.generator.eventsPerSecond()), t.generator.warmUpDrains());
    List<Double> fleetOverSmall = new ArrayList<>();
    if (!t.engineSmall.isEmpty()) {
      for (int i = 0; i < t.engine.size(); i++) {
        fleetOverSmall.add(t.engine.get(i) / t.engineSmall.get(i));
      }
      out.printf(
          "  engine only, %d default scenarios, its 10-VM fleet  %s events/s%n",
          scenarios.size(), Figures.withRepeats(t.engineSmall));
      out.printf(
          "  engine only, this fleet / its 10-VM fleet        %s%n",
          Figures.withRepeats(fleetOverSmall));
    }

    heap.print(out, scenarios);

    if (!latency.p50.isEmpty()) {
      out.println();
      out.printf(
          Locale.ROOT,
          "== 5. window-result latency at 1x, %d events a repeat: median of %d repeats ==%n",
          latency.events,
          latency.p50.size());
      out.printf(
          Locale.ROOT,
          "  p50 %s s, p99 %s s, max %s s%n",
          Figures.withRepeats(latency.p50),
          Figures.withRepeats(latency.p99),
          Figures.withRepeats(latency.max));
      out.println(
          "  from TraceProducer taking the event from the trace to the results consumer (read_committed) "
              + "receiving its window's first result");
    }

    out.println();
    out.println("== targets (issues #7 and #14) ==");
    out.println(Target.END_TO_END.line(endToEnd));
    out.println(Target.END_TO_END_OVER_ENGINE.line(Figures.median(overEngine)));
    out.println(Target.END_TO_END_OVER_PRODUCER_PERF.line(Figures.median(overPerf)));
    out.println(Target.ENGINE_COIOMMU_LRU.line(engineLru));
    out.println(
        Target.HEAP_PER_PAGE.line(heap.allPerScenario(scenarios.size()))
            + "  (all together / scenarios)");
    out.println(
        Target.HEAP_PER_PAGE.line(heap.worstOwn(scenarios)) + "  (worst scenario's own state)");
    if (!latency.p99.isEmpty()) {
      out.println(Target.P99_LATENCY.line(Figures.median(latency.p99)));
    }
    out.println(Target.GENERATOR.line(t.generator.eventsPerSecond()));
    if (!fleetOverSmall.isEmpty()) {
      out.println(Target.ENGINE_FLEET_OVER_SMALL.line(Figures.median(fleetOverSmall)));
    }
    out.printf(
        Locale.ROOT,
        "  (engine only, %d scenarios: %s events/s)%n",
        scenarios.size(),
        Figures.format(engine));
    out.flush();
  }

  /** Per repeat, in repeat order. */
  private static final class Throughput {
    final List<Double> engine = new ArrayList<>();
    final List<Double> engineLru = new ArrayList<>();
    final List<Double> endToEnd = new ArrayList<>();

    /** Microseconds of the whole process's CPU per event, end to end. */
    final List<Double> endToEndCpu = new ArrayList<>();

    final List<Double> afterSentShare = new ArrayList<>();
    final List<Double> coresBusyAfterSent = new ArrayList<>();
    final List<Double> busiestStreamThreadShare = new ArrayList<>();

    final List<Double> producerPerf = new ArrayList<>();
    final List<Double> engineSmall = new ArrayList<>();
    final List<Double> changelogPerTraceSecond = new ArrayList<>();
    final List<Double> stateWrittenPerTraceSecond = new ArrayList<>();
    final List<Double> stateWholePerTraceSecond = new ArrayList<>();
    final List<Double> peakHeapBytes = new ArrayList<>();
    GeneratorThroughput.Rate generator;
  }

  /** Per latency repeat, in seconds. */
  private static final class Latencies {
    final List<Double> p50 = new ArrayList<>();
    final List<Double> p99 = new ArrayList<>();
    final List<Double> max = new ArrayList<>();
    long events;

    void add(WindowLatency run) {
      p50.add(run.seconds(50));
      p99.add(run.seconds(99));
      max.add(run.seconds(100));
      events = run.count();
    }
  }
}
