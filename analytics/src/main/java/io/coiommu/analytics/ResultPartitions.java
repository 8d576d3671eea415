package io.coiommu.analytics;

import io.coiommu.schema.Topics;
import io.coiommu.schema.WindowResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a reader of {@link Topics#WINDOW_RESULTS} takes the topic: every partition assigned, no
 * group, from the beginning or given offsets. The topic may not exist yet and the cluster may not
 * be up when a reader starts before the processor, so it is waited for, and the wait is logged with
 * what it waits for.
 */
final class ResultPartitions {

  private static final Logger LOG = LoggerFactory.getLogger(ResultPartitions.class);

  /** Pause between two metadata requests while the topic is missing. */
  private static final Duration RETRY = Duration.ofMillis(200);

  /**
   * One metadata request: a cold client's first fetch takes seconds; the caller's timeout bounds
   * the whole wait.
   */
  private static final Duration METADATA = Duration.ofSeconds(5);

  /** How often a wait for the cluster or the topic is logged. */
  private static final long WAIT_LOG_NANOS = 10_000_000_000L;

  private ResultPartitions() {}

  /**
   * Assigns every partition of the results topic from its beginning. The topic may not exist yet
   * when the reader starts before the processor: waits for it until {@code giveUp}; false if it
   * gave up.
   */
  static boolean assignAll(
      Consumer<String, WindowResult> consumer,
      BooleanSupplier giveUp,
      Map<TopicPartition, Long> from) {
    long nextLog = System.nanoTime();
    while (true) {
      List<PartitionInfo> infos;
      String waitingFor;
      try {
        infos = consumer.partitionsFor(Topics.WINDOW_RESULTS, METADATA);
        waitingFor = "topic " + Topics.WINDOW_RESULTS + " (no processor has created it yet)";
      } catch (RetriableException e) {
        // The cluster is not up yet or slow: the caller's deadline, not one request's, decides when
        // to give up.
        infos = null;
        waitingFor = "the Kafka cluster (" + e.getMessage() + ")";
      }
      if (infos != null && !infos.isEmpty()) {
        List<TopicPartition> partitions =
            infos.stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .collect(Collectors.toList());
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        from.forEach(
            (p, offset) -> {
              if (partitions.contains(p)) {
                consumer.seek(p, offset);
              }
            });
        return true;
      }
      if (giveUp.getAsBoolean()) {
        return false;
      }
      if (System.nanoTime() - nextLog >= 0) {
        LOG.info("waiting for {}", waitingFor);
        nextLog = System.nanoTime() + WAIT_LOG_NANOS;
      }
      try {
        Thread.sleep(RETRY.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }
}
