package io.coiommu.launcher;

import io.coiommu.analytics.AnalyticsTopics;
import io.coiommu.schema.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates the pipeline's topics on a cluster where they do not exist yet; existing ones are left as they are. */
final class TopicSetup {

  private TopicSetup() {}

  static void ensure(Properties client, int partitions) throws Exception {
    try (Admin admin = Admin.create(client)) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      for (String topic : List.of(Topics.TRACE_EVENTS, Topics.WINDOW_RESULTS, Topics.ANOMALIES, Topics.DEAD_LETTERS,
          AnalyticsTopics.GROUP_WINDOWS, AnalyticsTopics.GROUP_SUMMARIES)) {
        if (!existing.contains(topic)) {
          // Results keep the trace's partitioning by VM; side topics are small.
          int n = topic.equals(Topics.TRACE_EVENTS) || topic.equals(Topics.WINDOW_RESULTS) ? partitions : 1;
          missing.add(new NewTopic(topic, java.util.Optional.of(n), java.util.Optional.empty()));
        }
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get();
      }
    }
  }
}
