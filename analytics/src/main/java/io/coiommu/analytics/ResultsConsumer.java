package io.coiommu.analytics;

import io.coiommu.schema.AvroSerde;
import io.coiommu.schema.Topics;
import io.coiommu.schema.WindowResult;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@link Topics#WINDOW_RESULTS} from the beginning into a {@link RunSummary} until every
 * expected (scenario, VM) has sent its last record. It assigns itself every partition instead of
 * joining a group: it commits nothing, so any number of readers can replay the same results.
 */
public final class ResultsConsumer {

  private static final Logger LOG = LoggerFactory.getLogger(ResultsConsumer.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private ResultsConsumer() {}

  /**
   * Consumes until complete.
   *
   * @throws TimeoutException naming the (scenario, VM) pairs still missing when the timeout passes
   */
  public static RunSummary consumeUntilComplete(Properties kafkaClientProps, Set<String> expectedVms,
      int expectedScenarios, Duration timeout) throws TimeoutException {
    return consumeUntilComplete(kafkaClientProps, expectedVms, expectedScenarios, timeout, new RunSummary(), r -> {});
  }

  /**
   * Consumes until complete into the given summary, handing each record to a listener too (the
   * dashboard and the metrics endpoint follow the run this way). The listener runs on this thread,
   * after the record was added, while holding the summary's monitor.
   */
  public static RunSummary consumeUntilComplete(Properties kafkaClientProps, Set<String> expectedVms,
      int expectedScenarios, Duration timeout, RunSummary into, Consumer<WindowResult> listener)
      throws TimeoutException {
    try (KafkaConsumer<String, WindowResult> consumer = new KafkaConsumer<>(consumerProps(kafkaClientProps),
        new StringDeserializer(), AvroSerde.of(WindowResult.class))) {
      return consume(consumer, expectedVms, expectedScenarios, timeout, into, listener);
    }
  }

  static Properties consumerProps(Properties kafkaClientProps) {
    Properties props = new Properties();
    props.putAll(kafkaClientProps);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    return props;
  }

  static RunSummary consume(org.apache.kafka.clients.consumer.Consumer<String, WindowResult> consumer,
      Set<String> expectedVms, int expectedScenarios, Duration timeout, RunSummary into,
      Consumer<WindowResult> listener) throws TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<TopicPartition> partitions = awaitPartitions(consumer, deadline);
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    while (!isComplete(into, expectedVms, expectedScenarios)) {
      if (System.nanoTime() - deadline > 0) {
        List<String> missing;
        synchronized (into) {
          missing = into.missing(expectedVms);
        }
        throw new TimeoutException("results incomplete after " + timeout + ": " + into.scenarios().size()
            + " of " + expectedScenarios + " scenarios seen; missing last record of " + missing);
      }
      try {
        for (ConsumerRecord<String, WindowResult> record : consumer.poll(POLL)) {
          synchronized (into) {
            into.add(record.value());
            listener.accept(record.value());
          }
        }
      } catch (RecordDeserializationException e) {
        // A record we cannot read is logged and stepped over: one bad record must not hide the rest.
        LOG.error("skipping undecodable result at {} offset {}: {}", e.topicPartition(), e.offset(), e.getMessage());
        synchronized (into) {
          into.undecodable(e.topicPartition() + "@" + e.offset() + ": " + e.getMessage());
        }
        consumer.seek(e.topicPartition(), e.offset() + 1);
      }
    }
    return into;
  }

  private static boolean isComplete(RunSummary s, Set<String> expectedVms, int expectedScenarios) {
    synchronized (s) {
      return s.complete(expectedVms, expectedScenarios);
    }
  }

  /** The topic may not exist yet when the reader starts before the processor: wait for it. */
  private static List<TopicPartition> awaitPartitions(
      org.apache.kafka.clients.consumer.Consumer<String, WindowResult> consumer, long deadline)
      throws TimeoutException {
    while (true) {
      var infos = consumer.partitionsFor(Topics.WINDOW_RESULTS, POLL);
      if (infos != null && !infos.isEmpty()) {
        return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).collect(Collectors.toList());
      }
      if (System.nanoTime() - deadline > 0) {
        throw new TimeoutException("topic " + Topics.WINDOW_RESULTS + " does not exist");
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TimeoutException("interrupted while waiting for " + Topics.WINDOW_RESULTS);
      }
    }
  }
}
