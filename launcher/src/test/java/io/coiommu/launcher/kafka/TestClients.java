package io.coiommu.launcher.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain string clients for the broker tests: what matters there is the broker, not the payload. */
final class TestClients {

  private TestClients() {}

  static KafkaProducer<String, String> producer(Properties cluster, String transactionalId) {
    Properties config = new Properties();
    config.putAll(cluster);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    if (transactionalId != null) {
      config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    }
    return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
  }

  /**
   * Reads partition 0 of {@code topic} from the start, committed records only, until {@code
   * expected} values arrived or {@code timeout} passed: for output that another process is still
   * writing.
   */
  static List<String> readCommitted(
      Properties cluster, String topic, int expected, Duration timeout) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = committedReader(cluster, topic)) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (values.size() < expected && System.nanoTime() - deadline < 0) {
        pollInto(consumer, values);
      }
    }
    return values;
  }

  /**
   * Reads partition 0 of {@code topic} from the start up to its last stable offset as of now: every
   * record committed so far and nothing else, whatever the machine's speed.
   */
  static List<String> readAllCommitted(Properties cluster, String topic, Duration timeout) {
    List<String> values = new ArrayList<>();
    TopicPartition partition = new TopicPartition(topic, 0);
    try (KafkaConsumer<String, String> consumer = committedReader(cluster, topic)) {
      long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (consumer.position(partition, timeout) < end) {
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError(
              "read only "
                  + values
                  + " of "
                  + topic
                  + " up to offset "
                  + end
                  + " within "
                  + timeout);
        }
        pollInto(consumer, values);
      }
    }
    return values;
  }

  /** No consumer group, so reading depends on no group coordinator. */
  private static KafkaConsumer<String, String> committedReader(Properties cluster, String topic) {
    Properties config = new Properties();
    config.putAll(cluster);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    TopicPartition partition = new TopicPartition(topic, 0);
    consumer.assign(List.of(partition));
    consumer.seekToBeginning(List.of(partition));
    return consumer;
  }

  private static void pollInto(KafkaConsumer<String, String> consumer, List<String> values) {
    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
      values.add(record.value());
    }
  }
}
