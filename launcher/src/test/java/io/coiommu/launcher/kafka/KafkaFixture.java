package io.coiommu.launcher.kafka;

import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Kafka cluster shared by all tests of a class, for integration tests:
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaFixture kafka = new KafkaFixture();
 * ...
 * kafka.createTopics(Map.of("trace-events", 2));
 * new KafkaStreams(topology, kafka.clientProperties() + ...);
 * }</pre>
 * Tests sharing the cluster should use topic names, transactional ids and application ids of their own.
 */
public final class KafkaFixture implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedKafkaCluster cluster;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        cluster = EmbeddedKafkaCluster.start(1);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    public String bootstrapServers() {
        return running().bootstrapServers();
    }

    /** A fresh copy each call: tests add their own client settings to it. */
    public Properties clientProperties() {
        return running().clientProperties();
    }

    public void createTopics(Map<String, Integer> partitionsByTopic) throws Exception {
        running().createTopics(partitionsByTopic);
    }

    private EmbeddedKafkaCluster running() {
        if (cluster == null) {
            throw new IllegalStateException("KafkaFixture must be registered as a static @RegisterExtension field");
        }
        return cluster;
    }
}
