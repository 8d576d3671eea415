package io.coiommu.launcher.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaFixtureTest {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  @Test
  void servesTopicsCreatedThroughTheFixture() throws Exception {
    kafka.createTopics(Map.of("fixture-topic", 1));
    try (KafkaProducer<String, String> producer =
        TestClients.producer(kafka.clientProperties(), null)) {
      producer.send(new ProducerRecord<>("fixture-topic", "k", "v")).get();
    }
    assertThat(
            TestClients.readAllCommitted(
                kafka.clientProperties(), "fixture-topic", Duration.ofSeconds(20)))
        .containsExactly("v");
  }

  @Test
  void runsInAContainerExactlyWhenDockerIsAvailable() {
    assertThat(kafka.backend())
        .isEqualTo(
            KafkaFixture.dockerAvailable()
                ? KafkaFixture.Backend.CONTAINER
                : KafkaFixture.Backend.EMBEDDED);
  }

  @Test
  void clientPropertiesAreACopyTestsMayChange() {
    kafka.clientProperties().put("bootstrap.servers", "elsewhere:1");
    assertThat(kafka.clientProperties().getProperty("bootstrap.servers"))
        .isEqualTo(kafka.bootstrapServers());
  }
}
