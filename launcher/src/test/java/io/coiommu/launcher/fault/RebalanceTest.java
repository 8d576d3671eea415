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
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processor instances share the partitions; a third joins mid-run and leaves again, so tasks
 * move twice with their state: the results are exactly those of one uninterrupted instance.
 */
class RebalanceTest {

  private static final String APP = "rebalance";

  @TempDir Path stateDir;

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void anInstanceJoiningAndLeavingChangesNothing() throws Exception {
    long t0 = System.nanoTime();
    try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(1)) {
      Properties client = cluster.clientProperties();
      cluster.createTopics(FaultRun.topics());
      CompletableFuture<Void> produced = FaultRun.produce(client, 4.0);
      try (KafkaStreams first = FaultRun.streams(client, APP, stateDir.resolve("1"));
          KafkaStreams second = FaultRun.streams(client, APP, stateDir.resolve("2"))) {
        first.start();
        second.start();
        Thread.sleep(6000);
        KafkaStreams third = FaultRun.streams(client, APP, stateDir.resolve("3"));
        third.start();
        System.out.printf("third instance started at %.1f s%n", (System.nanoTime() - t0) / 1e9);
        Thread.sleep(8000);
        // Leaving the group (which Streams does not do by default on close) hands its tasks back at
        // once.
        third.close(
            CloseOptions.groupMembershipOperation(
                CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        System.out.printf("third instance closed at %.1f s%n", (System.nanoTime() - t0) / 1e9);
        produced.get(60, TimeUnit.SECONDS);
        Map<String, List<WindowResult>> reference = FaultRun.reference(client);
        Map<String, List<WindowResult>> results =
            FaultRun.results(client, reference, Duration.ofSeconds(60));
        FaultRun.assertSameAsReference(results, reference);
        System.out.printf(
            "%d records of %d (scenario, VM) pairs identical across two rebalances, in %.1f s%n",
            FaultRun.records(results), reference.size(), (System.nanoTime() - t0) / 1e9);
      }
    }
  }
}
