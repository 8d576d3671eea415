package io.coiommu.launcher.fault;

import io.coiommu.launcher.kafka.EmbeddedKafkaCluster;
import io.coiommu.schema.WindowResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3-node cluster (every topic with 3 replicas) loses one broker mid-run, then gets it back:
 * producer and processor fail over, and the results are exactly those of an uninterrupted run.
 */
class BrokerRestartTest {

  @TempDir Path stateDir;

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void aBrokerStoppedAndStartedMidRunChangesNothing() throws Exception {
    long t0 = System.nanoTime();
    try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(3)) {
      Properties client = cluster.clientProperties();
      cluster.createTopics(FaultRun.topics());
      CompletableFuture<Void> produced = FaultRun.produce(client, 4.0);
      try (KafkaStreams streams = FaultRun.streams(client, "broker-restart", stateDir)) {
        streams.start();
        Thread.sleep(6000);
        cluster.stopNode(1);
        System.out.printf("broker 1 stopped at %.1f s%n", (System.nanoTime() - t0) / 1e9);
        Thread.sleep(6000);
        cluster.startNode(1);
        System.out.printf("broker 1 serving again at %.1f s%n", (System.nanoTime() - t0) / 1e9);
        produced.get(60, TimeUnit.SECONDS);
        Map<String, List<WindowResult>> reference = FaultRun.reference(client);
        Map<String, List<WindowResult>> results =
            FaultRun.results(client, reference, Duration.ofSeconds(60));
        FaultRun.assertSameAsReference(results, reference);
        System.out.printf(
            "%d records of %d (scenario, VM) pairs identical across a broker restart, in %.1f s%n",
            FaultRun.records(results), reference.size(), (System.nanoTime() - t0) / 1e9);
      }
    }
  }
}
