package io.coiommu.launcher.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single-node broker settings let a stateful exactly_once_v2 Streams application run
 * (transactions need them).
 */
class StreamsExactlyOnceTest {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  @TempDir Path stateDir;

  @Test
  @Timeout(
      value = 120,
      unit = TimeUnit.SECONDS) // a hang guard, not a speed check: they take 5-30 s
  void statefulExactlyOnceV2ApplicationCommitsItsOutput() throws Exception {
    kafka.createTopics(Map.of("eos-in", 1, "eos-counts", 1));
    try (KafkaProducer<String, String> producer =
        TestClients.producer(kafka.clientProperties(), null)) {
      producer.send(new ProducerRecord<>("eos-in", "vm-1", "map"));
      producer.send(new ProducerRecord<>("eos-in", "vm-2", "map"));
      producer.send(new ProducerRecord<>("eos-in", "vm-1", "unmap")).get();
    }

    StreamsBuilder builder = new StreamsBuilder();
    builder.<String, String>stream("eos-in")
        .groupByKey()
        .count()
        .toStream()
        .mapValues((vm, count) -> vm + "=" + count)
        .to("eos-counts", Produced.with(Serdes.String(), Serdes.String()));

    Properties config = kafka.clientProperties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "eos-test");
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    config.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    config.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    config.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);

    try (KafkaStreams streams = new KafkaStreams(builder.build(), config)) {
      streams.start();
      // Output only becomes visible to read_committed consumers once Streams commits its
      // transaction.
      assertThat(
              TestClients.readCommitted(
                  kafka.clientProperties(), "eos-counts", 3, Duration.ofSeconds(40)))
          .hasSize(3);
    }
    assertThat(
            TestClients.readAllCommitted(
                kafka.clientProperties(), "eos-counts", Duration.ofSeconds(20)))
        .containsExactly("vm-1=1", "vm-2=1", "vm-1=2");
  }
}
