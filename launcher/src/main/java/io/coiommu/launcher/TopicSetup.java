package io.coiommu.launcher;

import io.coiommu.analytics.AnalyticsTopics;
import io.coiommu.launcher.kafka.KafkaTopics;
import io.coiommu.schema.Topics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;

/**
 * Creates the pipeline's topics where they do not exist yet (existing ones are left as they are)
 * and waits until every partition has a leader, so no role races a topic that is still being born.
 */
final class TopicSetup {

  private static final Duration READY = Duration.ofMinutes(1);

  private TopicSetup() {}

  static void ensure(Properties client, int partitions) throws Exception {
    ensure(client, partitions, READY);
  }

  /**
   * Waits up to {@code timeout} for a cluster that is not up yet (see {@link ClusterWait}), then
   * sets the topics up.
   */
  static void ensure(Properties client, int partitions, Duration timeout) throws Exception {
    int brokers = ClusterWait.brokers(client, timeout);
    Map<String, Integer> topics = new LinkedHashMap<>();
    // Results keep the trace's partitioning by VM; the side topics are small.
    topics.put(Topics.TRACE_EVENTS, partitions);
    topics.put(Topics.WINDOW_RESULTS, partitions);
    topics.put(Topics.ANOMALIES, 1);
    topics.put(Topics.DEAD_LETTERS, 1);
    topics.put(AnalyticsTopics.GROUP_WINDOWS, 1);
    topics.put(AnalyticsTopics.GROUP_SUMMARIES, 1);
    try (Admin admin = Admin.create(client)) {
      KafkaTopics.createAndAwait(admin, topics, (short) Math.min(3, brokers), READY);
    }
  }
}
