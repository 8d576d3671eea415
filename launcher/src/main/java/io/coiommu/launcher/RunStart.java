package io.coiommu.launcher;

import io.coiommu.schema.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a run starts in topics that may already hold earlier runs (a shared cluster): the processor
 * and the readers of this run begin at the ends the topics had before it produced anything.
 */
record RunStart(
    Map<TopicPartition, Long> trace,
    Map<TopicPartition, Long> results,
    Map<TopicPartition, Long> anomalies) {

  /**
   * Reads the current ends and commits the trace ends as the starting offsets of the run's fresh
   * Streams application, so it never processes batches that earlier runs left in the topic.
   */
  static RunStart mark(Properties client, String applicationId) throws Exception {
    try (Admin admin = Admin.create(client)) {
      Map<TopicPartition, Long> trace = ends(admin, Topics.TRACE_EVENTS);
      Map<TopicPartition, Long> results = ends(admin, Topics.WINDOW_RESULTS);
      Map<TopicPartition, Long> anomalies = ends(admin, Topics.ANOMALIES);
      Map<TopicPartition, OffsetAndMetadata> start =
          trace.entrySet().stream()
              .collect(
                  Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue())));
      admin.alterConsumerGroupOffsets(applicationId, start).all().get();
      return new RunStart(trace, results, anomalies);
    }
  }

  private static Map<TopicPartition, Long> ends(Admin admin, String topic) throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get()
        .get(topic)
        .partitions()
        .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(request).all().get().forEach((p, info) -> ends.put(p, info.offset()));
    return ends;
  }
}
