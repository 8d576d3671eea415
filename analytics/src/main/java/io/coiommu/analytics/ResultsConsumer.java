package io.coiommu.analytics;

import io.coiommu.schema.AvroSerde;
import io.coiommu.schema.Topics;
import io.coiommu.schema.WindowResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
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
  /** A metadata request is a network call: never a sub-second deadline. */
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);

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
    // The processor writes results in exactly-once transactions: an aborted attempt's records must
    // never count, or a crash would count a window twice.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    // A reader that starts before the topics exist must wait for them, not have the broker create them with default settings.
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    return props;
  }

  static RunSummary consume(org.apache.kafka.clients.consumer.Consumer<String, WindowResult> consumer,
      Set<String> expectedVms, int expectedScenarios, Duration timeout, RunSummary into,
      Consumer<WindowResult> listener) throws TimeoutException {
    synchronized (into) {
      into.expect(expectedVms, expectedScenarios);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    BooleanSupplier timedOut = () -> System.nanoTime() - deadline > 0;
    if (!assignAll(consumer, timedOut, Map.of())) {
      throw new TimeoutException("topic " + Topics.WINDOW_RESULTS + " does not exist");
    }
    while (!isComplete(into, expectedVms, expectedScenarios)) {
      if (timedOut.getAsBoolean()) {
        List<String> missing;
        synchronized (into) {
          missing = into.missing(expectedVms);
        }
        throw new TimeoutException("results incomplete after " + timeout + ": " + into.scenarios().size()
            + " of " + expectedScenarios + " scenarios seen; missing last record of " + missing);
      }
      pollInto(consumer, into, listener);
    }
    return into;
  }

  /**
   * Follows the results from the beginning, then as they arrive, until {@code stop} says so: the
   * standalone dashboard's loop. Waits for the topic to appear if it does not exist yet.
   */
  public static void follow(Properties kafkaClientProps, RunSummary into, Consumer<WindowResult> listener,
      BooleanSupplier stop) {
    follow(kafkaClientProps, into, listener, stop, Map.of());
  }

  /**
   * Follows from the given offsets (partitions not named: from the beginning), so a run on a shared
   * cluster reads its own results and not those of earlier runs.
   */
  public static void follow(Properties kafkaClientProps, RunSummary into, Consumer<WindowResult> listener,
      BooleanSupplier stop, Map<TopicPartition, Long> from) {
    try (KafkaConsumer<String, WindowResult> consumer = new KafkaConsumer<>(consumerProps(kafkaClientProps),
        new StringDeserializer(), AvroSerde.of(WindowResult.class))) {
      follow(consumer, into, listener, stop, from);
    }
  }

  static void follow(org.apache.kafka.clients.consumer.Consumer<String, WindowResult> consumer, RunSummary into,
      Consumer<WindowResult> listener, BooleanSupplier stop) {
    follow(consumer, into, listener, stop, Map.of());
  }

  static void follow(org.apache.kafka.clients.consumer.Consumer<String, WindowResult> consumer, RunSummary into,
      Consumer<WindowResult> listener, BooleanSupplier stop, Map<TopicPartition, Long> from) {
    if (!assignAll(consumer, stop, from)) {
      return;
    }
    while (!stop.getAsBoolean()) {
      pollInto(consumer, into, listener);
    }
  }

  /** One poll: each record joins the summary, under its monitor, then goes to the listener. */
  private static void pollInto(org.apache.kafka.clients.consumer.Consumer<String, WindowResult> consumer,
      RunSummary into, Consumer<WindowResult> listener) {
    try {
      for (ConsumerRecord<String, WindowResult> record : consumer.poll(POLL)) {
        synchronized (into) {
          into.add(record.value());
          listener.accept(record.value());
        }
      }
    } catch (RecordDeserializationException e) {
      // A record we cannot read is logged, kept in the summary and stepped over: one bad record must not hide the rest.
      LOG.error("skipping undecodable result at {} offset {}: {}", e.topicPartition(), e.offset(), e.getMessage());
      synchronized (into) {
        into.undecodable(e.topicPartition() + "@" + e.offset() + ": " + e.getMessage());
      }
      consumer.seek(e.topicPartition(), e.offset() + 1);
    }
  }

  private static boolean isComplete(RunSummary s, Set<String> expectedVms, int expectedScenarios) {
    synchronized (s) {
      return s.complete(expectedVms, expectedScenarios);
    }
  }

  /**
   * Assigns every partition of the results topic from its beginning. The topic may not exist yet
   * when the reader starts before the processor: waits for it until {@code giveUp}; false if it gave up.
   */
  private static boolean assignAll(org.apache.kafka.clients.consumer.Consumer<String, WindowResult> consumer,
      BooleanSupplier giveUp, Map<TopicPartition, Long> from) {
    while (true) {
      List<PartitionInfo> infos;
      try {
        infos = consumer.partitionsFor(Topics.WINDOW_RESULTS, METADATA_TIMEOUT);
      } catch (org.apache.kafka.common.errors.TimeoutException slowBroker) {
        // A loaded broker may take longer than one wait to answer: the caller's deadline (giveUp) decides. (Kafka's
        // TimeoutException is qualified: java.util.concurrent's is imported.)
        infos = null;
      }
      if (infos != null && !infos.isEmpty()) {
        List<TopicPartition> partitions = infos.stream()
            .map(p -> new TopicPartition(p.topic(), p.partition())).collect(Collectors.toList());
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        from.forEach((p, offset) -> {
          if (partitions.contains(p)) {
            consumer.seek(p, offset);
          }
        });
        return true;
      }
      if (giveUp.getAsBoolean()) {
        return false;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }
}
