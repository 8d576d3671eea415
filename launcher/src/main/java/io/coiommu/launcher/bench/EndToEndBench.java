package io.coiommu.launcher.bench;

import io.coiommu.launcher.kafka.EmbeddedKafkaCluster;
import io.coiommu.launcher.kafka.KafkaTopics;
import io.coiommu.processor.EmulationTopology;
import io.coiommu.processor.ProcessorConfig;
import io.coiommu.processor.StateCommitMetrics;
import io.coiommu.processor.StreamsSettings;
import io.coiommu.producer.Pacing;
import io.coiommu.producer.ProgressListener;
import io.coiommu.producer.TraceProducer;
import io.coiommu.schema.AvroSerde;
import io.coiommu.schema.Topics;
import io.coiommu.schema.WindowResult;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The whole path on one broker: trace -> {@link TraceProducer} -> trace topic -> the Streams
 * emulation (as {@code coiommu run} builds it) -> window-results, read back by a read_committed
 * consumer, which is what a reader of the exactly-once processor's output must use.
 *
 * <p>The clock starts when the producer takes the first event from the trace and stops when the
 * consumer receives the last of the {@code last = true} results (one per VM and scenario). The
 * Streams application is started and has its partitions before the clock starts: its start-up is
 * not part of the throughput.
 *
 * <p>The passes of one bench run share one broker, as a deployment's processors share a broker that
 * runs for weeks: a broker of each pass's own had the JIT recompile its start-up code (partitions,
 * metadata records, configs, coordinators) in every pass, and the JIT still took 3-5 % of the timed
 * passes' CPU (issue #14). On one broker, C2 compiled 53-86 methods in each timed pass of the
 * 1,000-VM fleet, against 88-176 with a broker each (-XX:+PrintCompilation, one run of each). Each
 * {@link #pass} still starts clean: it deletes what earlier passes left on the broker before it
 * creates its topics.
 */
final class EndToEndBench {

  /**
   * Untimed passes before the timed ones, at least. The broker, Streams and the clients in one JVM
   * are a large body of code for C2: after one pass of the 1,000-VM fleet the JIT threads still
   * took 0.21-0.23 us of CPU per event in the next pass, a fifth of the whole (issue #14), and
   * 0.06-0.15 after two.
   */
  static final int MIN_WARM_UP_PASSES = 2;

  /**
   * How long the untimed passes may go on, whatever the JIT still does: a bound on the bench's time
   * ({@code --warm-up}). A count of passes bounded it before (six), which a fleet's passes of 7-10
   * s fill, but not the sample's of 3.5 s: the broker's and clients' per-request code crosses C2's
   * thresholds only after ten to twenty passes. Over 22 passes of the sample (2026-12-03) the JIT
   * took 32, 32, 23, 26, 15 and 10 % of passes 1-6, 10-19 % of passes 7-14 (end to end 3.8-4.4 M
   * events/s, median 4.07 M) and 1-7 % of passes 15-22 but one at 15 % (4.27-4.84 M, median 4.54
   * M): after six passes the timed ones measured the compiler as much as the pipeline.
   */
  static final Duration DEFAULT_MAX_WARM_UP = Duration.ofMinutes(2);

  /**
   * A pass in which the JIT threads took less than this share of the process's CPU ends the
   * warm-up, as JMH's warm-up iterations end before its measured ones: a timed pass then measures
   * the pipeline's steady state, which is what a run of hours spends, and not the compiler.
   */
  static final double SETTLED_JIT_SHARE = 0.05;

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration POLL = Duration.ofMillis(20);

  /**
   * Hears every result as the consumer receives it, with the {@link System#nanoTime()} of its poll.
   */
  interface ResultListener {
    void received(WindowResult result, long receivedNanos);
  }

  /**
   * @param firstTakenNanos when the producer took the first event; @param lastResultNanos when the
   *     last result came
   * @param cpuNanos CPU time of the whole process meanwhile: producer, broker, Streams, consumer,
   *     GC and JIT together, which a shared machine's load does not inflate as it does wall time
   * @param cpuSecondsByRole the same by what the threads do ({@link ThreadCpu}; empty off Linux)
   * @param changelogBytes what the state changelogs hold on disk after the run (compressed)
   * @param stateBytesWritten state bytes the commits wrote (pieces and manifests, uncompressed)
   * @param stateBytesWhole what the commits would have written with each changed VM's whole state
   * @param commits the stream threads' commits, each an exactly-once transaction
   */
  record Outcome(
      long events,
      long firstTakenNanos,
      long lastResultNanos,
      long cpuNanos,
      Map<String, Double> cpuSecondsByRole,
      long changelogBytes,
      long stateBytesWritten,
      long stateBytesWhole,
      long commits,
      long sentNanos,
      long cpuAfterSentNanos,
      double busiestStreamThreadShare) {
    double eventsPerSecond() {
      return events / ((lastResultNanos - firstTakenNanos) / 1e9);
    }

    /** CPU time of the whole process per event, in microseconds. */
    double cpuMicrosPerEvent() {
      return cpuNanos / 1e3 / events;
    }

    /**
     * The share of the pass that came after the broker had acknowledged the last event: the
     * processor working off what it had not read yet, then the commit that shows the last results.
     */
    double afterSentShare() {
      return (double) (lastResultNanos - sentNanos) / (lastResultNanos - firstTakenNanos);
    }

    /** Cores the process kept busy after the last event was sent. */
    double coresBusyAfterSent() {
      return (double) cpuAfterSentNanos / Math.max(1, lastResultNanos - sentNanos);
    }

    /** The JIT threads' share of the process's CPU; NaN where threads have no roles (off Linux). */
    double jitShare() {
      Double jit = cpuSecondsByRole.get(ThreadCpu.JIT);
      return cpuSecondsByRole.isEmpty() ? Double.NaN : (jit == null ? 0 : jit) / (cpuNanos / 1e9);
    }
  }

  /**
   * Whether untimed passes may end after {@code passes} of them, which took {@code took} against a
   * budget of {@code budget}, the last of which was {@code last}: at {@link #MIN_WARM_UP_PASSES}
   * where the JIT's share is not known.
   */
  static boolean warmedUp(int passes, Duration took, Duration budget, Outcome last) {
    return passes >= MIN_WARM_UP_PASSES
        && (!(last.jitShare() >= SETTLED_JIT_SHARE) || took.compareTo(budget) >= 0);
  }

  /** One untimed pass, numbered from 1. */
  interface NumberedPass {
    Outcome run(int number) throws Exception;
  }

  /**
   * Runs untimed passes until {@link #warmedUp} ends them, the time counted from the first pass's
   * start against {@code budget}.
   */
  static void warmUp(Duration budget, NumberedPass pass) throws Exception {
    long started = System.nanoTime();
    for (int w = 1; ; w++) {
      Outcome last = pass.run(w);
      if (warmedUp(w, Duration.ofNanos(System.nanoTime() - started), budget, last)) {
        return;
      }
    }
  }

  /**
   * Each pass's Streams application id starts with this and ends with a random UUID; its internal
   * topics (changelogs, repartition topics), consumer group and transactional ids are named after
   * it, so no pass can join another's group or be fenced by another's transactions.
   */
  static final String APPLICATION_ID_PREFIX = StreamsSettings.DEFAULT_APPLICATION_ID + "-bench-";

  /** One pass on {@code broker}, which the passes of a bench run share. */
  static Outcome pass(
      EmbeddedKafkaCluster broker,
      BenchTrace trace,
      ProcessorConfig config,
      int partitions,
      Duration timeout)
      throws Exception {
    Properties client = broker.clientProperties();
    freshTopics(client, partitions);
    return run(client, trace, config, Pacing.MAX, i -> {}, (res, at) -> {}, timeout);
  }

  /**
   * Deletes the pipeline's topics and every bench Streams application's internal topics that
   * earlier passes left on the broker, then creates the pipeline's topics anew: the topology names
   * its topics by {@link Topics}' constants, so a pass would otherwise read an earlier pass's
   * events and results. Its own application id keeps a pass clear of the rest (see {@link
   * #APPLICATION_ID_PREFIX}); the results consumer has no group.
   */
  static void freshTopics(Properties client, int partitions) throws Exception {
    Set<String> pipeline = pipelineTopics(partitions).keySet();
    try (Admin admin = Admin.create(client)) {
      Set<String> left =
          admin.listTopics().names().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
              .filter(topic -> pipeline.contains(topic) || topic.startsWith(APPLICATION_ID_PREFIX))
              .collect(Collectors.toSet());
      KafkaTopics.deleteAndAwait(admin, left, READY_TIMEOUT);
    }
    createTopics(client, partitions);
  }

  private EndToEndBench() {}

  static void createTopics(Properties client, int partitions, String... extra) throws Exception {
    Map<String, Integer> topics = pipelineTopics(partitions);
    for (String topic : extra) {
      topics.put(topic, partitions);
    }
    try (Admin admin = Admin.create(client)) {
      KafkaTopics.createAndAwait(admin, topics, (short) 1, READY_TIMEOUT);
    }
  }

  /** The topics the topology reads and writes, with their partitions. */
  private static Map<String, Integer> pipelineTopics(int partitions) {
    Map<String, Integer> topics = new LinkedHashMap<>();
    topics.put(Topics.TRACE_EVENTS, partitions);
    topics.put(Topics.WINDOW_RESULTS, partitions);
    topics.put(Topics.ANOMALIES, 1);
    topics.put(Topics.DEAD_LETTERS, 1);
    return topics;
  }

  /**
   * Replays {@code trace} through the pipeline at {@code pacing}. {@code taken} hears the index of
   * each event as the producer takes it; {@code listener} hears each result.
   */
  static Outcome run(
      Properties client,
      BenchTrace trace,
      ProcessorConfig config,
      Pacing pacing,
      LongConsumer taken,
      ResultListener listener,
      Duration timeout)
      throws Exception {
    Path stateDir = Files.createTempDirectory("coiommu-bench-streams-");
    String appId = APPLICATION_ID_PREFIX + UUID.randomUUID();
    try (KafkaStreams streams =
            new KafkaStreams(
                EmulationTopology.buildTopology(config),
                StreamsSettings.properties(client, appId, stateDir));
        KafkaConsumer<String, WindowResult> consumer = resultsConsumer(client)) {
      streams.start();
      awaitRunning(streams);
      // What earlier phases left (the engine's decoded batches, earlier passes' Streams
      // applications and clients) is collected before the clock starts, as JMH can between
      // iterations, so that a pass is charged for its own garbage only.
      System.gc();
      long expectedLast = (long) trace.vms().size() * config.scenarios().size();
      AtomicLong firstTaken = new AtomicLong();
      long cpuBefore = processCpuNanos();
      ThreadCpu threadsBefore = ThreadCpu.now();
      CompletableFuture<Long> lastResult =
          CompletableFuture.supplyAsync(
              () -> consumeUntil(consumer, expectedLast, listener, timeout));
      try (TraceProducer producer = new TraceProducer(client, Topics.TRACE_EVENTS)) {
        producer.produce(
            trace.replay(
                i -> {
                  if (i == 0) {
                    firstTaken.set(System.nanoTime());
                  }
                  taken.accept(i);
                }),
            pacing,
            ProgressListener.NONE);
      }
      long sent = System.nanoTime();
      long cpuSent = processCpuNanos();
      long last = lastResult.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      long cpuEnd = processCpuNanos();
      ThreadCpu threadsAfter = ThreadCpu.now();
      Map<String, Double> byRole = threadsAfter.since(threadsBefore);
      long written = sum(streams, StateCommitMetrics.BYTES_WRITTEN);
      long whole = sum(streams, StateCommitMetrics.BYTES_WHOLE);
      long commits = sum(streams, "stream-thread-metrics", "commit-total");
      streams.close(Duration.ofSeconds(30));
      return new Outcome(
          trace.size(),
          firstTaken.get(),
          last,
          cpuEnd - cpuBefore,
          byRole,
          changelogBytes(client, appId),
          written,
          whole,
          commits,
          sent,
          cpuEnd - cpuSent,
          threadsAfter.busiestShare(threadsBefore, ThreadCpu.STREAM_THREADS));
    } finally {
      Utils.delete(stateDir.toFile());
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The sum over the tasks of one of the processor's {@link StateCommitMetrics}. */
  private static long sum(KafkaStreams streams, String metric) {
    return sum(streams, StateCommitMetrics.GROUP, metric);
  }

  /** The sum of a Streams metric over the threads or tasks that have it. */
  private static long sum(KafkaStreams streams, String group, String metric) {
    double sum = 0;
    for (Metric m : streams.metrics().values()) {
      if (m.metricName().group().equals(group) && m.metricName().name().equals(metric)) {
        sum += ((Number) m.metricValue()).doubleValue();
      }
    }
    return (long) sum;
  }

  /**
   * What the run's state changelogs hold on the brokers' disks (record batches as the Streams
   * producer compressed them): the cost of the commits. Read after the last result, so every commit
   * of the run is in; a changelog's active segment is never compacted, so nothing is cleaned away.
   * Only this run's changelogs count, on a broker that earlier passes shared: their names start
   * with its own application id.
   */
  static long changelogBytes(Properties client, String appId) throws Exception {
    try (Admin admin = Admin.create(client)) {
      List<Integer> brokers =
          admin
              .describeCluster()
              .nodes()
              .get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .stream()
              .map(Node::id)
              .toList();
      long bytes = 0;
      for (Map<String, LogDirDescription> dirs :
          admin
              .describeLogDirs(brokers)
              .allDescriptions()
              .get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .values()) {
        for (LogDirDescription dir : dirs.values()) {
          for (Map.Entry<TopicPartition, ReplicaInfo> r : dir.replicaInfos().entrySet()) {
            String topic = r.getKey().topic();
            if (topic.startsWith(appId + "-") && topic.endsWith("-changelog")) {
              bytes += r.getValue().size();
            }
          }
        }
      }
      return bytes;
    }
  }

  private static KafkaConsumer<String, WindowResult> resultsConsumer(Properties client) {
    Properties props = new Properties();
    props.putAll(client);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    KafkaConsumer<String, WindowResult> consumer =
        new KafkaConsumer<>(
            props, new StringDeserializer(), AvroSerde.of(WindowResult.class).deserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(Topics.WINDOW_RESULTS).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .collect(Collectors.toList());
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  /** Returns the nanoTime of the poll that brought the last expected {@code last = true} result. */
  private static long consumeUntil(
      KafkaConsumer<String, WindowResult> consumer,
      long expectedLast,
      ResultListener listener,
      Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastSeen = 0;
    while (System.nanoTime() - deadline < 0) {
      ConsumerRecords<String, WindowResult> records = consumer.poll(POLL);
      long now = System.nanoTime();
      for (ConsumerRecord<String, WindowResult> r : records) {
        listener.received(r.value(), now);
        if (r.value().getLast()) {
          lastSeen++;
        }
      }
      if (lastSeen >= expectedLast) {
        return now;
      }
    }
    throw new IllegalStateException(
        "only " + lastSeen + " of " + expectedLast + " final results within " + timeout);
  }

  private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() - deadline > 0 || !streams.state().isRunningOrRebalancing()) {
        throw new IllegalStateException(
            "the Streams processor did not reach RUNNING: " + streams.state());
      }
      Thread.sleep(50);
    }
  }
}
