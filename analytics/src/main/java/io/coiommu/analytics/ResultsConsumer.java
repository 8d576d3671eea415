package io.coiommu.analytics;

import io.coiommu.schema.AvroSerde;
import io.coiommu.schema.ResultHeaders;
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
 *
 * <p>Given an application id, it reads only the results of that processor application (see {@link
 * ResultHeaders}): several what-if applications may share the result topic. A cluster that is not
 * up yet, or slow to answer, is waited for until the caller's deadline, and the wait is logged with
 * what it waits for.
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
  public static RunSummary consumeUntilComplete(
      Properties kafkaClientProps, Set<String> expectedVms, int expectedScenarios, Duration timeout)
      throws TimeoutException {
    return consumeUntilComplete(
        kafkaClientProps, expectedVms, expectedScenarios, timeout, new RunSummary(), r -> {});
  }

  /**
   * Consumes until complete into the given summary, handing each record to a listener too (the
   * dashboard and the metrics endpoint follow the run this way). The listener runs on this thread,
   * after the record was added, while holding the summary's monitor.
   */
  public static RunSummary consumeUntilComplete(
      Properties kafkaClientProps,
      Set<String> expectedVms,
      int expectedScenarios,
      Duration timeout,
      RunSummary into,
      Consumer<WindowResult> listener)
      throws TimeoutException {
    try (KafkaConsumer<String, WindowResult> consumer =
        new KafkaConsumer<>(
            consumerProps(kafkaClientProps),
            new StringDeserializer(),
            AvroSerde.of(WindowResult.class))) {
      return consume(consumer, expectedVms, expectedScenarios, timeout, into, listener);
    }
  }

  /**
   * Reads the results of one processor application until each of {@code expectedVms} has the last
   * record of every scenario of that application; the application's scenario list, order and cost
   * model come from the results' headers, so the summary reports them as a run of that application
   * would.
   *
   * @throws TimeoutException naming what is still missing when the timeout passes
   */
  public static RunSummary consumeApplication(
      Properties kafkaClientProps,
      String applicationId,
      Set<String> expectedVms,
      Duration timeout,
      RunSummary into)
      throws TimeoutException {
    try (KafkaConsumer<String, WindowResult> consumer =
        new KafkaConsumer<>(
            consumerProps(kafkaClientProps),
            new StringDeserializer(),
            AvroSerde.of(WindowResult.class))) {
      return consumeApplication(consumer, applicationId, expectedVms, timeout, into);
    }
  }

  static RunSummary consumeApplication(
      org.apache.kafka.clients.consumer.Consumer<String, WindowResult> consumer,
      String applicationId,
      Set<String> expectedVms,
      Duration timeout,
      RunSummary into)
      throws TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    BooleanSupplier timedOut = () -> System.nanoTime() - deadline > 0;
    if (!ResultPartitions.assignAll(consumer, timedOut, Map.of())) {
      throw new TimeoutException(
          "topic " + Topics.WINDOW_RESULTS + " did not appear within " + timeout);
    }
    ApplicationRun run = new ApplicationRun(applicationId);
    while (run.scenarios == null || !isComplete(into, expectedVms, run.scenarios.size())) {
      if (timedOut.getAsBoolean()) {
        if (run.scenarios == null) {
          throw new TimeoutException(
              "no complete VM from application "
                  + applicationId
                  + " in "
                  + Topics.WINDOW_RESULTS
                  + " after "
                  + timeout
                  + " ("
                  + run.read
                  + " of its results read)");
        }
        List<String> missing;
        synchronized (into) {
          missing = into.missing(expectedVms);
        }
        throw new TimeoutException(
            "results of "
                + applicationId
                + " incomplete after "
                + timeout
                + "; missing the last record of "
                + missing);
      }
      pollInto(consumer, into, run, r -> {});
      if (run.scenarios != null && into.expectedVmRuns() == 0) {
        synchronized (into) {
          into.expect(expectedVms, run.scenarios.size());
        }
      }
    }
    return into;
  }

  /**
   * Settings of a group-less reader of the project's exactly-once topics (results, anomalies), from
   * the start of what it is told to read.
   */
  public static Properties consumerProps(Properties kafkaClientProps) {
    Properties props = new Properties();
    props.putAll(kafkaClientProps);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // The processor writes results in exactly-once transactions: an aborted attempt's records must
    // never count, or a crash would count a window twice.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    // A reader that starts before the topics exist must wait for them, not have the broker create
    // them with default settings.
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    return props;
  }

  static RunSummary consume(
      org.apache.kafka.clients.consumer.Consumer<String, WindowResult> consumer,
      Set<String> expectedVms,
      int expectedScenarios,
      Duration timeout,
      RunSummary into,
      Consumer<WindowResult> listener)
      throws TimeoutException {
    synchronized (into) {
      into.expect(expectedVms, expectedScenarios);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    BooleanSupplier timedOut = () -> System.nanoTime() - deadline > 0;
    if (!ResultPartitions.assignAll(consumer, timedOut, Map.of())) {
      throw new TimeoutException(
          "topic " + Topics.WINDOW_RESULTS + " did not appear within " + timeout);
    }
    ApplicationRun any = new ApplicationRun(null);
    while (!isComplete(into, expectedVms, expectedScenarios)) {
      if (timedOut.getAsBoolean()) {
        List<String> missing;
        synchronized (into) {
          missing = into.missing(expectedVms);
        }
        throw new TimeoutException(
            "results incomplete after "
                + timeout
                + ": "
                + into.scenarios().size()
                + " of "
                + expectedScenarios
                + " scenarios seen; missing last record of "
                + missing);
      }
      pollInto(consumer, into, any, listener);
    }
    return into;
  }

  /**
   * Follows the results from the beginning, then as they arrive, until {@code stop} says so: the
   * standalone dashboard's loop. Waits for the topic to appear if it does not exist yet.
   */
  public static void follow(
      Properties kafkaClientProps,
      RunSummary into,
      Consumer<WindowResult> listener,
      BooleanSupplier stop) {
    follow(kafkaClientProps, into, listener, stop, Map.of());
  }

  /**
   * Follows from the given offsets (partitions not named: from the beginning), so a run on a shared
   * cluster reads its own results and not those of earlier runs.
   */
  public static void follow(
      Properties kafkaClientProps,
      RunSummary into,
      Consumer<WindowResult> listener,
      BooleanSupplier stop,
      Map<TopicPartition, Long> from) {
    follow(kafkaClientProps, null, into, listener, stop, from);
  }

  /**
   * Follows the results of one application only (null: of every application), waiting for the
   * cluster and the result topic until {@code stop} says so.
   */
  public static void follow(
      Properties kafkaClientProps,
      String applicationId,
      RunSummary into,
      Consumer<WindowResult> listener,
      BooleanSupplier stop,
      Map<TopicPartition, Long> from) {
    follow(kafkaClientProps, applicationId, into, listener, stop, from, null);
  }

  /**
   * As above, giving up waiting for the cluster and the result topic after {@code waitForTopic}
   * (null: never).
   *
   * @return false when it gave up, or {@code stop} said so, before the result topic appeared
   */
  public static boolean follow(
      Properties kafkaClientProps,
      String applicationId,
      RunSummary into,
      Consumer<WindowResult> listener,
      BooleanSupplier stop,
      Map<TopicPartition, Long> from,
      Duration waitForTopic) {
    long deadline = waitForTopic == null ? 0 : System.nanoTime() + waitForTopic.toNanos();
    BooleanSupplier giveUp =
        waitForTopic == null ? stop : () -> stop.getAsBoolean() || System.nanoTime() - deadline > 0;
    try (KafkaConsumer<String, WindowResult> consumer =
        new KafkaConsumer<>(
            consumerProps(kafkaClientProps),
            new StringDeserializer(),
            AvroSerde.of(WindowResult.class))) {
      if (!ResultPartitions.assignAll(consumer, giveUp, from)) {
        return false;
      }
      follow(consumer, applicationId, into, listener, stop);
      return true;
    }
  }

  static void follow(
      org.apache.kafka.clients.consumer.Consumer<String, WindowResult> consumer,
      RunSummary into,
      Consumer<WindowResult> listener,
      BooleanSupplier stop) {
    if (ResultPartitions.assignAll(consumer, stop, Map.of())) {
      follow(consumer, null, into, listener, stop);
    }
  }

  /** Polls an assigned consumer until {@code stop}. */
  private static void follow(
      org.apache.kafka.clients.consumer.Consumer<String, WindowResult> consumer,
      String applicationId,
      RunSummary into,
      Consumer<WindowResult> listener,
      BooleanSupplier stop) {
    ApplicationRun run = new ApplicationRun(applicationId);
    while (!stop.getAsBoolean()) {
      pollInto(consumer, into, run, listener);
    }
  }

  /** One poll: each record joins the summary, under its monitor, then goes to the listener. */
  private static void pollInto(
      org.apache.kafka.clients.consumer.Consumer<String, WindowResult> consumer,
      RunSummary into,
      ApplicationRun run,
      Consumer<WindowResult> listener) {
    try {
      for (ConsumerRecord<String, WindowResult> record : consumer.poll(POLL)) {
        synchronized (into) {
          if (!run.accept(record, into)) {
            continue;
          }
          into.add(record.value());
          listener.accept(record.value());
        }
      }
    } catch (RecordDeserializationException e) {
      // A record we cannot read is logged, kept in the summary and stepped over: one bad record
      // must not hide the rest.
      LOG.error(
          "skipping undecodable result at {} offset {}: {}",
          e.topicPartition(),
          e.offset(),
          e.getMessage());
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
}
