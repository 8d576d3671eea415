package io.coiommu.launcher;

import io.coiommu.producer.Pacing;
import io.coiommu.producer.ProduceStats;
import io.coiommu.producer.ProgressListener;
import io.coiommu.producer.TraceProducer;
import io.coiommu.producer.TraceSource;
import io.coiommu.schema.Topics;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The producer role alone: replays a trace into the trace topic of an existing cluster. */
@Command(name = "produce", mixinStandardHelpOptions = true,
    description = "Replays a trace or a synthetic workload into the trace topic of a running cluster.")
final class ProduceCommand implements Callable<Integer> {

  @Mixin
  KafkaOptions kafka = new KafkaOptions();

  @Mixin
  TraceOptions trace = new TraceOptions();

  @Option(names = "--partitions", paramLabel = "N",
      description = "Partitions of the trace topic if it must be created. Default: ${DEFAULT-VALUE}")
  int partitions = 6;

  @Option(names = "--speed", paramLabel = "SPEED",
      description = "Replay pace against trace time: max, 1x, 10x ... Default: ${DEFAULT-VALUE}")
  String speed = "max";

  @Override
  public Integer call() throws Exception {
    Properties client = kafka.requiredClientProperties();
    // Opened first: a trace without events, or a wrong path, fails before any broker is contacted.
    try (TraceSource source = trace.open()) {
      TopicSetup.ensure(client, partitions);
      produce(client, source);
    }
    return 0;
  }

  private void produce(Properties client, TraceSource source) throws Exception {
    try (TraceProducer producer = new TraceProducer(client, Topics.TRACE_EVENTS)) {
      ProduceStats stats = producer.produce(source, Pacing.parse(speed), ProgressListener.forConsole());
      System.out.println(stats.summary());
      if (source.rejects().anyNotReplayed()) {
        System.out.println(source.rejects().summary());
      }
    }
  }
}
