package io.coiommu.launcher;

import io.coiommu.producer.Pacing;
import io.coiommu.producer.ProduceStats;
import io.coiommu.producer.ProgressListener;
import io.coiommu.producer.TraceProducer;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.TraceTopicTail;
import io.coiommu.schema.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The producer role alone: replays a trace into the trace topic of an existing cluster. */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description =
        "Replays a trace or a synthetic workload into the trace topic of a running cluster.")
final class ProduceCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka = new KafkaOptions();

  @Mixin TraceOptions trace = new TraceOptions();

  @Option(
      names = "--partitions",
      paramLabel = "N",
      description =
          "Partitions of the trace topic if it must be created. Default: ${DEFAULT-VALUE}")
  int partitions = 6;

  @Option(
      names = "--speed",
      paramLabel = "SPEED",
      description = "Replay pace against trace time: max, 1x, 10x ... Default: ${DEFAULT-VALUE}")
  String speed = "max";

  @Option(
      names = "--from-start",
      description =
          "Send the whole trace even where the trace topic already holds it (the processor still applies "
              + "each event once). Default: go on after what the topic holds for each VM.")
  boolean fromStart;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long to wait for a cluster that is not up yet or slow, and for each batch's delivery "
              + "through a broker that restarts. Default: 10m")
  Duration timeout = Duration.ofMinutes(10);

  @Mixin RoleMetricsOptions metrics = new RoleMetricsOptions();

  @Override
  public Integer call() throws Exception {
    Properties client = kafka.requiredClientProperties();
    Pacing pacing = Pacing.parse(speed);
    // Opened first: a trace without events, a wrong path or spec fails before any broker is
    // contacted.
    try (TraceSource source = trace.open();
        RoleMetrics served = metrics.serve(System.out)) {
      TopicSetup.ensure(client, partitions, timeout);
      Map<String, Long> held =
          fromStart ? Map.of() : TraceTopicTail.sentPerVm(client, Topics.TRACE_EVENTS, timeout);
      if (!held.isEmpty()) {
        System.out.printf(
            "the trace topic holds the first %,d events of %d VMs: going on after them%n",
            held.values().stream().mapToLong(Long::longValue).sum(), held.size());
      }
      ProduceStats stats;
      ProgressListener progress = ProgressListener.forConsole();
      try (TraceProducer producer =
          new TraceProducer(TraceProducer.deliveringWithin(client, timeout), Topics.TRACE_EVENTS)) {
        if (served != null) {
          served.bind(producer.client());
          progress = TracePosition.register(served.registry(), source, held, progress);
        }
        stats = producer.produce(source, pacing, progress, held);
      }
      System.out.println(stats.summary());
      if (source.rejects().anyNotReplayed()) {
        System.out.println(source.rejects().summary());
      }
    }
    return 0;
  }
}
