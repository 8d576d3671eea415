package io.coiommu.launcher.bench;

import io.coiommu.launcher.kafka.EmbeddedKafkaCluster;
import io.coiommu.processor.ProcessorConfig;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench --end-to-end-only}: the end-to-end figure alone, with the state its commits wrote,
 * so that a profile of the pipeline is not diluted by the engine, ProducerPerformance and heap
 * phases, and a fleet's run takes minutes less.
 */
final class EndToEndOnly {

  private EndToEndOnly() {}

  static int run(
      PrintWriter out,
      String workload,
      ProcessorConfig config,
      int repeats,
      int partitions,
      int timeoutSeconds,
      Duration maxWarmUp)
      throws Exception {
    out.println("generating the trace ...");
    out.flush();
    BenchTrace trace = BenchTrace.generate(workload);
    out.printf(
        Locale.ROOT,
        "trace: %s, %d VMs; %d default scenarios; %d cores%n",
        trace.describe(),
        trace.vms().size(),
        config.scenarios().size(),
        Runtime.getRuntime().availableProcessors());
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    List<Double> rates = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    // Every pass on one broker, as in BenchCommand (see EndToEndBench).
    try (EmbeddedKafkaCluster broker = EmbeddedKafkaCluster.start(1)) {
      EndToEndBench.warmUp(
          maxWarmUp, w -> pass(out, "warm-up " + w, broker, trace, config, partitions, timeout));
      for (int r = 1; r <= repeats; r++) {
        EndToEndBench.Outcome run =
            pass(out, "repeat " + r + "/" + repeats, broker, trace, config, partitions, timeout);
        rates.add(run.eventsPerSecond());
        cpu.add(run.cpuMicrosPerEvent());
      }
    }
    out.printf(Locale.ROOT, "end to end: %s events/s%n", Figures.withRepeats(rates));
    out.printf(
        Locale.ROOT,
        "end to end, CPU of the whole process: %s us/event%n",
        Figures.withRepeats(cpu));
    return 0;
  }

  /** One pass on the shared broker, its figures and its CPU by role printed. */
  private static EndToEndBench.Outcome pass(
      PrintWriter out,
      String label,
      EmbeddedKafkaCluster broker,
      BenchTrace trace,
      ProcessorConfig config,
      int partitions,
      Duration timeout)
      throws Exception {
    PeakHeap.reset();
    // The JVM's uptime, as GC and JIT logs stamp their lines, so that a pass can be found in them.
    long startedMs = ManagementFactory.getRuntimeMXBean().getUptime();
    EndToEndBench.Outcome run = EndToEndBench.pass(broker, trace, config, partitions, timeout);
    out.printf(
        Locale.ROOT,
        "%s (JVM uptime %.1f-%.1f s): end to end %s ev/s, CPU %.3f us/event, the JIT %.0f %% of "
            + "it, state committed %s B per trace s (whole %s) in %d commits, peak heap %,d MiB%n",
        label,
        startedMs / 1e3,
        ManagementFactory.getRuntimeMXBean().getUptime() / 1e3,
        Figures.format(run.eventsPerSecond()),
        run.cpuMicrosPerEvent(),
        100 * run.jitShare(),
        Figures.format(run.stateBytesWritten() / trace.traceSeconds()),
        Figures.format(run.stateBytesWhole() / trace.traceSeconds()),
        run.commits(),
        PeakHeap.usedBytes() >> 20);
    StringBuilder roles = new StringBuilder("  CPU by role, us/event:");
    double other = 0;
    for (Map.Entry<String, Double> e :
        run.cpuSecondsByRole().entrySet().stream()
            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
            .toList()) {
      double us = e.getValue() * 1e6 / run.events();
      if (us >= 0.005) {
        roles.append(String.format(Locale.ROOT, " %s %.3f;", e.getKey(), us));
      } else {
        other += us;
      }
    }
    roles.append(String.format(Locale.ROOT, " other threads %.3f", other));
    out.println(roles);
    out.printf(
        Locale.ROOT,
        "  after the last event was sent: %.0f %% of the pass, %.2f cores busy; the busiest stream"
            + " thread did %.0f %% of the stream threads' CPU%n",
        100 * run.afterSentShare(),
        run.coresBusyAfterSent(),
        100 * run.busiestStreamThreadShare());
    out.flush();
    return run;
  }
}
