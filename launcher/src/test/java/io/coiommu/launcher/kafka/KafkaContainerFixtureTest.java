package io.coiommu.launcher.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The Testcontainers path of {@link KafkaFixture}; only a machine with a Docker engine can run it.
 */
class KafkaContainerFixtureTest {

  @Test
  void runsTheApacheKafkaImageWhenDockerIsAvailable() throws Exception {
    assumeTrue(
        KafkaFixture.dockerAvailable(),
        "no Docker engine reachable (Testcontainers found none): the "
            + KafkaFixture.IMAGE
            + " container path of KafkaFixture cannot run here; integration tests use the embedded broker");

    KafkaFixture fixture = new KafkaFixture();
    fixture.beforeAll(null);
    try {
      assertThat(fixture.backend()).isEqualTo(KafkaFixture.Backend.CONTAINER);
      fixture.createTopics(Map.of("container-topic", 1));
      try (KafkaProducer<String, String> producer =
          TestClients.producer(fixture.clientProperties(), "tx-c")) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("container-topic", "k", "v"));
        producer.commitTransaction();
      }
      assertThat(
              TestClients.readAllCommitted(
                  fixture.clientProperties(), "container-topic", Duration.ofSeconds(20)))
          .containsExactly("v");
    } finally {
      fixture.afterAll(null);
    }
  }
}
