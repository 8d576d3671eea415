package io.coiommu.launcher.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * One single-broker Kafka shared by all tests of a class, for integration tests:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaFixture kafka = new KafkaFixture();
 * ...
 * kafka.createTopics(Map.of("trace-events", 2));
 * Properties config = kafka.clientProperties();   // then add the client's own settings
 * }</pre>
 *
 * Where a Docker engine is reachable the broker is the {@value #IMAGE} image in a Testcontainers
 * {@link KafkaContainer}, the same broker a deployment runs; elsewhere it is an {@link
 * EmbeddedKafkaCluster}. The same tests run on both. Tests sharing the broker should use topic
 * names, transactional ids and application ids of their own.
 */
public final class KafkaFixture implements BeforeAllCallback, AfterAllCallback {

  /** Where the broker of a test class runs. */
  public enum Backend {
    CONTAINER,
    EMBEDDED
  }

  /** The image matching the Kafka version the project builds against. */
  static final String IMAGE = "apache/kafka:4.4.0";

  private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

  private Backend backend;
  private AutoCloseable broker;
  private String bootstrapServers;

  /** Whether Testcontainers finds a Docker engine (it asks once per JVM and remembers). */
  public static boolean dockerAvailable() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (dockerAvailable()) {
      startContainer();
    } else {
      startEmbedded();
    }
  }

  private void startContainer() {
    // Testcontainers already sizes offsets and transaction state for one broker; share-group state
    // is not.
    KafkaContainer container =
        new KafkaContainer(IMAGE)
            .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
            .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1");
    container.start();
    backend = Backend.CONTAINER;
    broker = container;
    bootstrapServers = container.getBootstrapServers();
  }

  private void startEmbedded() throws Exception {
    EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(1);
    backend = Backend.EMBEDDED;
    broker = cluster;
    bootstrapServers = cluster.bootstrapServers();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }

  public Backend backend() {
    running();
    return backend;
  }

  public String bootstrapServers() {
    running();
    return bootstrapServers;
  }

  /** A fresh copy each call: tests add their own client settings to it. */
  public Properties clientProperties() {
    Properties properties = new Properties();
    properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return properties;
  }

  /** Creates the topics (single replica) and returns once every partition has a leader. */
  public void createTopics(Map<String, Integer> partitionsByTopic) throws Exception {
    try (Admin admin = Admin.create(clientProperties())) {
      KafkaTopics.createAndAwait(admin, partitionsByTopic, (short) 1, TOPIC_TIMEOUT);
    }
  }

  /**
   * Reads partition 0 of {@code topic} from the start, as a read_committed consumer (what readers
   * of the exactly-once processor's output use), until {@code enough} holds or {@code timeout}
   * passes.
   */
  public List<ConsumerRecord<byte[], byte[]>> readCommitted(
      String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> enough, Duration timeout) {
    Properties config = clientProperties();
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(new TopicPartition(topic, 0)));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!enough.test(out) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  private void running() {
    if (broker == null) {
      throw new IllegalStateException(
          "KafkaFixture must be registered as a static @RegisterExtension field");
    }
  }
}
