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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VM's stop makes its final results visible to read_committed readers without waiting for the
 * commit interval, and VMs stopping together share the commits their stops ask for.
 */
class StopCommitTest {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  @TempDir Path stateDir;

  @Test
  void aStoppedVmsLastResultsAreCommittedLongBeforeTheInterval() throws Exception {
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
    try (KafkaProducer<String, EventBatch> producer =
        new KafkaProducer<>(
            kafka.clientProperties(), new StringSerializer(), AvroSerde.of(EventBatch.class))) {
      for (int v = 0; v < VMS; v++) {
        producer.send(new ProducerRecord<>(Topics.TRACE_EVENTS, "vm" + v, startMapStop("vm" + v)));
      }
    }
    Properties client = kafka.clientProperties();
    // Far longer than the wait below: only a commit that the stop asks for can make the results
    // visible in time.
    client.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 600_000);
    client.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 900_000);
    ProcessorConfig config =
        new ProcessorConfig(ScenarioSpec.parse("static,coiommu"), EngineConfig.defaults());
    try (KafkaStreams streams =
        new KafkaStreams(
            EmulationTopology.buildTopology(config),
            StreamsSettings.properties(client, "stop-commit-test", stateDir))) {
      streams.start();
      List<ConsumerRecord<byte[], byte[]>> results =
          kafka.readCommitted(
              Topics.WINDOW_RESULTS,
              rs -> rs.stream().filter(r -> decode(r).getLast()).count() >= 2L * VMS,
              Duration.ofSeconds(60));

      assertThat(results.stream().map(StopCommitTest::decode).filter(WindowResult::getLast))
          .extracting(WindowResult::getScenario)
          .hasSize(2 * VMS)
          .allMatch(s -> s.startsWith("static") || s.startsWith("coiommu"));
      // Each stop asks for a commit; the 300 stops, processed within a second or so, share a few.
      assertThat(commits(streams)).isBetween(1.0, VMS / 10.0);
    }
  }

  private static final int VMS = 300;

  /** A VM's whole life in one batch: it starts, maps a page and stops 3 s of trace time later. */
  private static EventBatch startMapStop(String vm) {
    return EventColumns.encode(
        vm,
        0L,
        List.of(
            TraceEvent.newBuilder()
                .setType(EventType.VM_START)
                .setTsNs(0)
                .setGuestMemoryBytes(1L << 30)
                .build(),
            TraceEvent.newBuilder()
                .setType(EventType.DMA_MAP)
                .setTsNs(1_000)
                .setDevice("nic")
                .setIova(1 << 20)
                .setGpa(1L << 20)
                .setBytes(4096)
                .build(),
            TraceEvent.newBuilder().setType(EventType.VM_STOP).setTsNs(3_000_000_000L).build()));
  }

  /** Commits of every stream thread so far (Streams' own count). */
  private static double commits(KafkaStreams streams) {
    return streams.metrics().values().stream()
        .filter(
            m ->
                m.metricName().name().equals("commit-total")
                    && m.metricName().group().equals("stream-thread-metrics"))
        .mapToDouble(m -> ((Number) m.metricValue()).doubleValue())
        .sum();
  }

  private static WindowResult decode(ConsumerRecord<byte[], byte[]> r) {
    return AvroSerde.of(WindowResult.class).deserialize(r.topic(), r.value());
  }
}
