package io.coiommu.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.launcher.kafka.KafkaFixture;
import io.coiommu.processor.EmulationTopology;
import io.coiommu.processor.ProcessorConfig;
import io.coiommu.processor.StreamsSettings;
import io.coiommu.processor.engine.EngineConfig;
import io.coiommu.processor.engine.ScenarioSpec;
import io.coiommu.schema.AvroSerde;
import io.coiommu.schema.EventBatch;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventType;
import io.coiommu.schema.Topics;
import io.coiommu.schema.TraceEvent;
import io.coiommu.schema.WindowResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records that cannot be decoded are kept on the dead-letter topic, and the good ones around them
 * still count.
 */
class DeadLetterTest {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  @TempDir Path stateDir;

  @Test
  void badBytesUnknownSchemasAndBadColumnsAreKeptAndGoodRecordsStillProcessed() throws Exception {
    kafka.createTopics(
        Map.of(
            Topics.TRACE_EVENTS,
            1,
            Topics.WINDOW_RESULTS,
            1,
            Topics.ANOMALIES,
            1,
            Topics.DEAD_LETTERS,
            1));
    byte[] garbage = "not an avro record".getBytes(StandardCharsets.UTF_8);
    EventBatch good =
        EventColumns.encode(
            "vm1",
            0L,
            List.of(
                TraceEvent.newBuilder()
                    .setType(EventType.VM_START)
                    .setTsNs(0)
                    .setGuestMemoryBytes(1L << 30)
                    .setHost("h1")
                    .build(),
                TraceEvent.newBuilder()
                    .setType(EventType.VM_STOP)
                    .setTsNs(2_000_000_000L)
                    .build()));
    byte[] goodBytes = AvroSerde.of(EventBatch.class).serialize(Topics.TRACE_EVENTS, good);
    // Same single-object marker, a fingerprint no known schema has.
    byte[] unknownSchema = goodBytes.clone();
    Arrays.fill(unknownSchema, 2, 10, (byte) 0x5a);
    // A well-formed record whose columns do not decode: a device index past its dictionary.
    EventBatch badColumns =
        EventColumns.encode(
            "vm2",
            0L,
            List.of(
                TraceEvent.newBuilder()
                    .setType(EventType.DMA_ACCESS)
                    .setTsNs(1)
                    .setDevice("0000:03:00.0")
                    .build()));
    badColumns.setDevices(List.of());
    byte[] badColumnBytes =
        AvroSerde.of(EventBatch.class).serialize(Topics.TRACE_EVENTS, badColumns);

    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            kafka.clientProperties(), new ByteArraySerializer(), new ByteArraySerializer())) {
      byte[] key = "vm1".getBytes(StandardCharsets.UTF_8);
      producer.send(new ProducerRecord<>(Topics.TRACE_EVENTS, key, garbage));
      producer.send(new ProducerRecord<>(Topics.TRACE_EVENTS, key, unknownSchema));
      producer.send(
          new ProducerRecord<>(
              Topics.TRACE_EVENTS, "vm2".getBytes(StandardCharsets.UTF_8), badColumnBytes));
      producer.send(new ProducerRecord<>(Topics.TRACE_EVENTS, key, goodBytes));
    }

    ProcessorConfig config =
        new ProcessorConfig(ScenarioSpec.parse("static,coiommu"), EngineConfig.defaults());
    try (KafkaStreams streams =
        new KafkaStreams(
            EmulationTopology.buildTopology(config),
            StreamsSettings.properties(kafka.clientProperties(), "dead-letter-test", stateDir))) {
      streams.start();
      List<ConsumerRecord<byte[], byte[]>> dead = read(Topics.DEAD_LETTERS, rs -> rs.size() >= 3);
      assertThat(dead)
          .extracting(ConsumerRecord::value)
          .containsExactly(garbage, unknownSchema, badColumnBytes);
      assertThat(dead.get(0).headers().toArray())
          .as("the exception travels in headers")
          .isNotEmpty();
      assertThat(dead.get(2).headers().toArray())
          .as("the bad column is named")
          .anyMatch(
              h -> new String(h.value(), StandardCharsets.UTF_8).contains("field device, event 0"));

      List<ConsumerRecord<byte[], byte[]>> results =
          read(
              Topics.WINDOW_RESULTS,
              rs -> rs.stream().filter(r -> decode(r).getLast()).count() >= 2);
      assertThat(results.stream().map(DeadLetterTest::decode).filter(WindowResult::getLast))
          .extracting(WindowResult::getVm)
          .containsOnly("vm1");
    }
  }

  private static WindowResult decode(ConsumerRecord<byte[], byte[]> r) {
    return AvroSerde.of(WindowResult.class).deserialize(r.topic(), r.value());
  }

  private static List<ConsumerRecord<byte[], byte[]>> read(
      String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> enough) {
    return kafka.readCommitted(topic, enough, Duration.ofSeconds(60));
  }
}
