package io.coiommu.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.launcher.kafka.EmbeddedKafkaCluster;
import io.coiommu.processor.ProcessorConfig;
import io.coiommu.schema.AvroSerde;
import io.coiommu.schema.EventBatch;
import io.coiommu.schema.Topics;
import io.coiommu.schema.WindowResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end passes of a bench run share one broker, and each still starts clean: after a
 * second pass the broker holds the trace's events once and one pass's results, the same as after
 * the first.
 */
class EndToEndPassesTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final int PARTITIONS = 2;

  @Test
  void aSecondPassOnTheSameBrokerSeesOnlyItsOwnEventsAndResults() throws Exception {
    BenchTrace trace = BenchTrace.generate("fleet:hosts=1,vms=5,duration=1s,seed=3");
    ProcessorConfig config = ProcessorConfig.defaults();
    try (EmbeddedKafkaCluster broker = EmbeddedKafkaCluster.start(1)) {
      Properties client = broker.clientProperties();

      EndToEndBench.Outcome first = EndToEndBench.pass(broker, trace, config, PARTITIONS, TIMEOUT);
      List<WindowResult> firstResults = readAll(client, Topics.WINDOW_RESULTS, results());
      EndToEndBench.Outcome second = EndToEndBench.pass(broker, trace, config, PARTITIONS, TIMEOUT);
      List<WindowResult> secondResults = readAll(client, Topics.WINDOW_RESULTS, results());

      assertThat(second.events()).isEqualTo(first.events()).isEqualTo(trace.size());
      assertThat(eventsIn(client)).isEqualTo(trace.size());
      assertThat(firstResults.stream().filter(WindowResult::getLast))
          .as("one last result per VM and scenario")
          .hasSize(trace.vms().size() * config.scenarios().size());
      assertThat(secondResults).containsExactlyInAnyOrderElementsOf(firstResults);
      assertThat(second.changelogBytes()).isPositive();
    }
  }

  private static Deserializer<WindowResult> results() {
    return AvroSerde.of(WindowResult.class).deserializer();
  }

  /** The events that the trace topic's batches hold, all partitions together. */
  private static long eventsIn(Properties client) throws Exception {
    return readAll(client, Topics.TRACE_EVENTS, AvroSerde.of(EventBatch.class)).stream()
        .mapToLong(EventBatch::getCount)
        .sum();
  }

  /** Every committed record of {@code topic}, from the start of each partition to its end now. */
  private static <V> List<V> readAll(Properties client, String topic, Deserializer<V> values)
      throws Exception {
    Properties props = new Properties();
    props.putAll(client);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<V> read = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), values)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, TIMEOUT).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p, TIMEOUT) < end.get(p))) {
        assertThat(System.nanoTime() - deadline)
            .as("read %s within %s", topic, TIMEOUT)
            .isNegative();
        for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(100))) {
          read.add(r.value());
        }
      }
    }
    return read;
  }
}
