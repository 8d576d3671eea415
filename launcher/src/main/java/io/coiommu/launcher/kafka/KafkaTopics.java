package io.coiommu.launcher.kafka;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creating topics on any cluster and waiting until they can take traffic; deleting them and waiting
 * until they are gone.
 */
public final class KafkaTopics {

  private KafkaTopics() {}

  /**
   * Creates the topics (an existing topic is left as it is) and returns once every partition has a
   * leader and all {@code replicationFactor} replicas in sync: createTopics completes when the
   * controller has recorded the topic, before the brokers have elected leaders.
   */
  public static void createAndAwait(
      Admin admin,
      Map<String, Integer> partitionsByTopic,
      short replicationFactor,
      Duration timeout)
      throws Exception {
    List<NewTopic> topics =
        partitionsByTopic.entrySet().stream()
            .map(topic -> new NewTopic(topic.getKey(), topic.getValue(), replicationFactor))
            .collect(Collectors.toList());
    awaitEach(admin.createTopics(topics).values(), TopicExistsException.class, "create", timeout);
    Polling.await(
        timeout,
        "leaders and in-sync replicas of " + partitionsByTopic.keySet(),
        () -> {
          Map<String, TopicDescription> described =
              admin.describeTopics(partitionsByTopic.keySet()).allTopicNames().get();
          return described.values().stream()
              .flatMap(topic -> topic.partitions().stream())
              .allMatch(KafkaTopics::fullyReplicated);
        });
  }

  /**
   * Deletes the topics (one that does not exist is left as it is) and returns once the cluster no
   * longer lists any of them: deleteTopics completes when the controller has recorded the deletion,
   * and until a broker has applied that record it still lists the topic and serves its old
   * partitions, so a topic created again under the same name right away could look ready on the old
   * topic's leaders.
   */
  public static void deleteAndAwait(Admin admin, Set<String> topics, Duration timeout)
      throws Exception {
    awaitEach(
        admin.deleteTopics(topics).topicNameValues(),
        UnknownTopicOrPartitionException.class,
        "delete",
        timeout);
    Polling.await(
        timeout,
        "the deletion of " + topics,
        () ->
            Collections.disjoint(
                admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS), topics));
  }

  /**
   * Waits for each topic's result of one Admin call, within {@code timeout}; a failure of type
   * {@code tolerated} (the topic exists already, or is gone already) is what the caller wanted.
   */
  private static void awaitEach(
      Map<String, KafkaFuture<Void>> results,
      Class<? extends Throwable> tolerated,
      String verb,
      Duration timeout)
      throws InterruptedException, TimeoutException {
    for (var result : results.entrySet()) {
      try {
        result.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!tolerated.isInstance(e.getCause())) {
          throw new IllegalStateException(
              "could not " + verb + " topic " + result.getKey(), e.getCause());
        }
      }
    }
  }

  private static boolean fullyReplicated(TopicPartitionInfo partition) {
    return partition.leader() != null
        && !partition.leader().isEmpty()
        && partition.isr().size() == partition.replicas().size();
  }
}
