package io.coiommu.launcher.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class EmbeddedKafkaClusterTest {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

  @Test
  @Timeout(
      value = 120,
      unit = TimeUnit.SECONDS) // a hang guard, not a speed check: they take 5-30 s
  void singleNodeServesExactlyOnceTransactionsAndLeavesNoFilesBehind() throws Exception {
    Path directory;
    try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(1)) {
      directory = cluster.directory();
      assertThat(cluster.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
      cluster.createTopics(Map.of("events", 1));

      try (KafkaProducer<String, String> producer =
          TestClients.producer(cluster.clientProperties(), "tx-1")) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("events", "vm-1", "a"));
        producer.send(new ProducerRecord<>("events", "vm-1", "b"));
        producer.commitTransaction();

        producer.beginTransaction();
        producer.send(new ProducerRecord<>("events", "vm-1", "aborted"));
        producer.flush();
        producer.abortTransaction();

        producer.beginTransaction();
        producer.send(new ProducerRecord<>("events", "vm-2", "c"));
        producer.commitTransaction();
      }

      assertThat(TestClients.readAllCommitted(cluster.clientProperties(), "events", READ_TIMEOUT))
          .containsExactly("a", "b", "c");
      assertThat(directory).isDirectory();
    }
    assertThat(directory).doesNotExist();
  }

  @Test
  @Timeout(
      value = 120,
      unit = TimeUnit.SECONDS) // a hang guard, not a speed check: they take 5-30 s
  void aClusterLeftOpenIsClosedWhenItsJvmExits() throws Exception {
    Process jvm =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ExitWithoutClosing.class.getName())
            .redirectErrorStream(true)
            .start();
    String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(jvm.waitFor()).as(output).isZero();
    Path directory =
        output
            .lines()
            .filter(line -> line.startsWith(ExitWithoutClosing.DIRECTORY_PREFIX))
            .map(line -> Path.of(line.substring(ExitWithoutClosing.DIRECTORY_PREFIX.length())))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("no directory in the output of the child JVM: " + output));
    assertThat(directory).doesNotExist();
  }

  @Test
  @Timeout(
      value = 120,
      unit = TimeUnit.SECONDS) // a hang guard, not a speed check: they take 5-30 s
  void threeNodesKeepAcceptingAcksAllWritesWithOneNodeDown() throws Exception {
    try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(3);
        Admin admin = Admin.create(cluster.clientProperties())) {
      assertThat(cluster.bootstrapServers().split(",")).hasSize(3);
      cluster.createTopics(Map.of("replicated", 1));
      TopicPartitionInfo before = partitionZero(admin, "replicated");
      assertThat(before.replicas()).hasSize(3);
      assertThat(before.isr()).hasSize(3);

      try (KafkaProducer<String, String> producer =
          TestClients.producer(cluster.clientProperties(), null)) {
        producer.send(new ProducerRecord<>("replicated", "k", "before")).get();

        int leader = before.leader().id();
        cluster.stopNode(leader);
        // acks=all with min.insync.replicas=2: this write needs both surviving replicas.
        producer.send(new ProducerRecord<>("replicated", "k", "during")).get(30, TimeUnit.SECONDS);
        TopicPartitionInfo during = partitionZero(admin, "replicated");
        assertThat(during.leader().id()).isNotEqualTo(leader);
        assertThat(during.isr()).hasSize(2);
        int another = during.leader().id();
        assertThatThrownBy(() -> cluster.stopNode(another))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("less than a quorum");

        cluster.startNode(leader);
        producer.send(new ProducerRecord<>("replicated", "k", "after")).get(30, TimeUnit.SECONDS);
        Polling.await(
            Duration.ofSeconds(30),
            "node " + leader + " back in sync",
            () -> partitionZero(admin, "replicated").isr().size() == 3);
      }

      assertThat(
              TestClients.readAllCommitted(cluster.clientProperties(), "replicated", READ_TIMEOUT))
          .containsExactly("before", "during", "after");
    }
  }

  private static TopicPartitionInfo partitionZero(Admin admin, String topic) throws Exception {
    Map<String, TopicDescription> described =
        admin.describeTopics(List.of(topic)).allTopicNames().get();
    return described.get(topic).partitions().get(0);
  }
}
