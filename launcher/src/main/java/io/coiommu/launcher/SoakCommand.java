package io.coiommu.launcher;

import io.coiommu.launcher.kafka.EmbeddedKafkaCluster;
import io.coiommu.processor.EmulationTopology;
import io.coiommu.processor.StreamsSettings;
import io.coiommu.producer.EndOfTrace;
import io.coiommu.producer.ForwardingTraceSource;
import io.coiommu.producer.Pacing;
import io.coiommu.producer.ProduceStats;
import io.coiommu.producer.ProgressListener;
import io.coiommu.producer.TraceProducer;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.Workloads;
import io.coiommu.schema.Topics;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A bounded soak: replays a long synthetic fleet at full speed into an embedded broker for N
 * minutes while the processor runs in the same JVM, and prints over time what a long run must keep
 * flat (the heap that survives garbage collection) or bounded (the processor's lag), with the
 * throughput.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description =
        "Max-speed replay on an embedded broker for N minutes; prints heap, consumer lag and throughput.")
final class SoakCommand implements Callable<Integer> {

  @Mixin ScenarioOptions scenarios = new ScenarioOptions();

  @Option(
      names = "--minutes",
      paramLabel = "N",
      required = true,
      description = "How long to replay.")
  double minutes;

  @Option(
      names = "--workload",
      paramLabel = "SPEC",
      description =
          "Synthetic workload, long enough not to end before the soak does. Default: ${DEFAULT-VALUE}")
  String workload = "fleet:hosts=4,vms=32,duration=24h,seed=1";

  @Option(
      names = "--every",
      paramLabel = "SECONDS",
      description = "Seconds between lines. Default: ${DEFAULT-VALUE}")
  int every = 30;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      description = "Partitions of the trace topic. Default: ${DEFAULT-VALUE}")
  int partitions = 4;

  @Override
  public Integer call() throws Exception {
    Path stateDir = Files.createTempDirectory("coiommu-soak-");
    String appId = "coiommu-soak";
    try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(1)) {
      Properties client = cluster.clientProperties();
      TopicSetup.ensure(client, partitions);
      try (KafkaStreams streams =
              new KafkaStreams(
                  EmulationTopology.buildTopology(scenarios.processorConfig()),
                  StreamsSettings.properties(client, appId, stateDir));
          Admin admin = Admin.create(client)) {
        streams.start();
        long t0 = System.nanoTime();
        long end = t0 + (long) (minutes * 60e9);
        AtomicLong produced = new AtomicLong();
        CompletableFuture<ProduceStats> producing =
            CompletableFuture.supplyAsync(
                () -> {
                  try (TraceProducer producer = new TraceProducer(client, Topics.TRACE_EVENTS);
                      // The VMs still running at the deadline are stopped, so every VM's last
                      // records are emitted too.
                      TraceSource source =
                          EndOfTrace.stopOpenVms(new Until(Workloads.open(workload), end))) {
                    return producer.produce(source, Pacing.MAX, new Counting(produced));
                  }
                });
        System.out.printf(
            "soak: %s for %.1f min, %d scenarios, %d partitions%n",
            workload, minutes, scenarios.processorConfig().scenarios().size(), partitions);
        System.out.printf(
            "%8s %12s %12s %14s %14s %12s%n",
            "t(s)", "heap MiB", "live MiB", "events/s in", "batches/s out", "lag batches");
        long lastEvents = 0;
        long lastCommitted = 0;
        long last = t0;
        long lag = 0;
        while (!producing.isDone() || lag > 0) {
          Thread.sleep(every * 1000L);
          long now = System.nanoTime();
          long events = produced.get();
          long[] offsets = offsets(admin, appId);
          lag = offsets[0] - offsets[1];
          double dt = (now - last) / 1e9;
          System.out.printf(
              "%8.0f %12.0f %12.0f %14.0f %14.0f %12d%n",
              (now - t0) / 1e9,
              heapUsedMiB(),
              liveHeapMiB(),
              (events - lastEvents) / dt,
              (offsets[1] - lastCommitted) / dt,
              lag);
          lastEvents = events;
          lastCommitted = offsets[1];
          last = now;
          if (streams.state() == KafkaStreams.State.ERROR
              || now - end > Duration.ofMinutes(5).toNanos()) {
            System.out.println("processor state " + streams.state() + "; stopping");
            return 1;
          }
        }
        ProduceStats stats = producing.join();
        System.out.println(stats.summary());
        System.out.printf(
            "done in %.0f s: all %d batches processed%n",
            (System.nanoTime() - t0) / 1e9, lastCommitted);
      }
      return 0;
    }
  }

  /** {end offsets of the trace topic, offsets the processor committed}, summed over partitions. */
  private static long[] offsets(Admin admin, String appId) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(appId).partitionsToOffsetAndMetadata().get();
    Map<TopicPartition, OffsetSpec> latest =
        admin
            .describeTopics(List.of(Topics.TRACE_EVENTS))
            .allTopicNames()
            .get()
            .get(Topics.TRACE_EVENTS)
            .partitions()
            .stream()
            .collect(
                Collectors.toMap(
                    p -> new TopicPartition(Topics.TRACE_EVENTS, p.partition()),
                    p -> OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
    long end = ends.values().stream().mapToLong(ListOffsetsResultInfo::offset).sum();
    long done =
        committed.entrySet().stream()
            .filter(e -> e.getKey().topic().equals(Topics.TRACE_EVENTS))
            .mapToLong(e -> e.getValue() == null ? 0 : e.getValue().offset())
            .sum();
    return new long[] {end, done};
  }

  private static double heapUsedMiB() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
  }

  /**
   * Heap in use right after the last collection of each pool: what the run keeps, without its
   * garbage.
   */
  private static double liveHeapMiB() {
    long live = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage after = pool.getCollectionUsage();
      if (pool.getType() == MemoryType.HEAP && after != null) {
        live += after.getUsed();
      }
    }
    return live / 1048576.0;
  }

  /**
   * The workload's events until a wall-clock deadline: the soak is bounded in time, not in trace.
   */
  private static final class Until extends ForwardingTraceSource {
    private final long endNanos;

    Until(TraceSource delegate, long endNanos) {
      super(delegate);
      this.endNanos = endNanos;
    }

    @Override
    public boolean hasNext() {
      return System.nanoTime() < endNanos && delegate.hasNext();
    }

    @Override
    public OptionalLong expectedEvents() {
      return OptionalLong.empty();
    }
  }

  /** Counts the events sent, for the throughput column. */
  private record Counting(AtomicLong events) implements ProgressListener {
    @Override
    public void started(String description, OptionalLong expectedEvents) {}

    @Override
    public void progressed(long sent, long traceNs) {
      events.set(sent);
    }

    @Override
    public void finished(ProduceStats stats) {}
  }
}
