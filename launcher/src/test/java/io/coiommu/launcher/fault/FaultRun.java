package io.coiommu.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.processor.ProcessorConfig;
import io.coiommu.processor.StreamsSettings;
import io.coiommu.processor.engine.EmulationSink;
import io.coiommu.processor.engine.VmEmulator;
import io.coiommu.producer.Pacing;
import io.coiommu.producer.ProgressListener;
import io.coiommu.producer.TraceProducer;
import io.coiommu.producer.Workloads;
import io.coiommu.schema.Anomaly;
import io.coiommu.schema.AvroSerde;
import io.coiommu.schema.EventColumnsSerde;
import io.coiommu.schema.Topics;
import io.coiommu.schema.TraceEvent;
import io.coiommu.schema.WindowResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What every fault test does around its fault: replay a synthetic trace into the cluster, read back
 * every window result (committed records only, as any downstream reader), and compute what an
 * uninterrupted run gives.
 */
final class FaultRun {

  /**
   * 2 hosts, 8 VMs with NICs or idle, 60 s of trace: every scenario's timers fire many times, and
   * working sets stay small enough that each test takes about a minute on two cores.
   */
  static final String WORKLOAD = "fleet:hosts=2,vms=8,duration=60s,seed=3,storage=0,gpu=0";

  static final int PARTITIONS = 4;
  static final ProcessorConfig CONFIG = ProcessorConfig.defaults();

  private FaultRun() {}

  /**
   * The processor's client settings: a member that died is noticed after 6 s (the broker's minimum)
   * rather than the default 45 s, which would stall the partitions it held until then.
   */
  static Properties processorClient(Properties client) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1500");
    return p;
  }

  static Map<String, Integer> topics() {
    return Map.of(
        Topics.TRACE_EVENTS,
        PARTITIONS,
        Topics.WINDOW_RESULTS,
        PARTITIONS,
        Topics.ANOMALIES,
        1,
        Topics.DEAD_LETTERS,
        1);
  }

  /** Replays the workload in the background, {@code speed} times faster than trace time. */
  static CompletableFuture<Void> produce(Properties client, double speed) {
    return CompletableFuture.runAsync(
        () -> {
          try (TraceProducer producer = new TraceProducer(client, Topics.TRACE_EVENTS)) {
            producer.produce(
                Workloads.open(WORKLOAD), Pacing.parse(speed + "x"), ProgressListener.NONE);
          }
        });
  }

  static KafkaStreams streams(Properties client, String applicationId, Path stateDir) {
    return new KafkaStreams(
        io.coiommu.processor.EmulationTopology.buildTopology(CONFIG),
        StreamsSettings.properties(processorClient(client), applicationId, stateDir));
  }

  /**
   * The uninterrupted answer: every VM's batches as the trace topic holds them, fed straight to the
   * engine (what the processor does with them, with no broker, no restart and no rebalance in
   * between).
   */
  static Map<String, List<WindowResult>> reference(Properties client) {
    Map<String, VmEmulator> emulators = new HashMap<>();
    Map<String, List<WindowResult>> out = new TreeMap<>();
    EmulationSink sink =
        new EmulationSink() {
          @Override
          public void window(WindowResult r) {
            out.computeIfAbsent(key(r), k -> new ArrayList<>()).add(r);
          }

          @Override
          public void anomaly(Anomaly a) {}
        };
    Map<String, Long> nextIndex = new HashMap<>();
    readAll(
        client,
        Topics.TRACE_EVENTS,
        new EventColumnsSerde(),
        batch -> {
          VmEmulator emulator =
              emulators.computeIfAbsent(
                  batch.vm(), vm -> new VmEmulator(vm, CONFIG.scenarios(), CONFIG.engine()));
          // Each event of a VM's stream once, as the trace holds it: a restarted producer may have
          // sent some twice.
          long index =
              batch.firstIndex() < 0 ? nextIndex.getOrDefault(batch.vm(), 0L) : batch.firstIndex();
          long next = nextIndex.getOrDefault(batch.vm(), 0L);
          for (TraceEvent e : batch.events()) {
            if (index++ >= next) {
              emulator.onEvent(e, sink);
            }
          }
          nextIndex.put(batch.vm(), Math.max(next, index));
        });
    return out;
  }

  /**
   * Every committed window result, by scenario and VM in topic order, once there are at least as
   * many as the reference has and the topic has no more to give (a duplicate then shows as a
   * difference, not as a wait).
   */
  static Map<String, List<WindowResult>> results(
      Properties client, Map<String, List<WindowResult>> reference, Duration timeout) {
    int expected = records(reference);
    Map<String, List<WindowResult>> out = new TreeMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, WindowResult> consumer =
        consumer(client, AvroSerde.of(WindowResult.class).deserializer())) {
      List<TopicPartition> partitions = assignAll(consumer, Topics.WINDOW_RESULTS);
      while (true) {
        for (ConsumerRecord<String, WindowResult> r : consumer.poll(Duration.ofMillis(500))) {
          out.computeIfAbsent(key(r.value()), k -> new ArrayList<>()).add(r.value());
        }
        if (records(out) >= expected && caughtUp(consumer, partitions)) {
          return out;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(records(out) + " of " + expected + " records after " + timeout);
        }
      }
    }
  }

  /** Field by field, record by record: no duplicate, no gap, nothing different. */
  static void assertSameAsReference(
      Map<String, List<WindowResult>> actual, Map<String, List<WindowResult>> reference) {
    assertThat(reference).isNotEmpty();
    assertThat(actual.keySet()).isEqualTo(reference.keySet());
    for (String k : reference.keySet()) {
      assertThat(actual.get(k)).as(k).isEqualTo(reference.get(k));
    }
  }

  static int records(Map<String, List<WindowResult>> results) {
    return results.values().stream().mapToInt(List::size).sum();
  }

  private static String key(WindowResult r) {
    return r.getScenario() + " | " + r.getVm();
  }

  private static <V> void readAll(
      Properties client, String topic, Deserializer<V> values, Consumer<V> each) {
    try (KafkaConsumer<String, V> consumer = consumer(client, values)) {
      List<TopicPartition> partitions = assignAll(consumer, topic);
      while (!caughtUp(consumer, partitions)) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> each.accept(r.value()));
      }
    }
  }

  private static boolean caughtUp(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions) {
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
  }

  private static List<TopicPartition> assignAll(KafkaConsumer<?, ?> consumer, String topic) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return partitions;
  }

  private static <V> KafkaConsumer<String, V> consumer(Properties client, Deserializer<V> values) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    return new KafkaConsumer<>(p, new StringDeserializer(), values);
  }
}
