package io.coiommu.launcher;

import io.coiommu.analytics.ResultsConsumer;
import io.coiommu.schema.Anomaly;
import io.coiommu.schema.AvroSerde;
import io.coiommu.schema.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The anomalies of one run, counted per reason from the anomaly topic, so that {@code run} says
 * what the emulation found odd (unmaps of mappings the trace never showed, double maps...) as it
 * says what the reader rejected.
 *
 * @param byReason anomaly records per reason; a reason a scenario finds (its scenario field set)
 *     has one record per scenario that found it
 * @param scenarioReasons the reasons found per scenario, so the summary can say so
 * @param undecodable records that did not decode (kept on the topic as they are)
 */
record AnomalyCounts(Map<String, Long> byReason, Set<String> scenarioReasons, long undecodable) {

  private static final Duration POLL = Duration.ofMillis(200);

  long total() {
    return byReason.values().stream().mapToLong(Long::longValue).sum() + undecodable;
  }

  /**
   * One line, e.g. {@code "anomalies: 9 (UNMAP_UNKNOWN_IOVA 9), kept on topic coiommu.anomalies
   * ..."}.
   */
  String summary() {
    if (total() == 0) {
      return "anomalies: none";
    }
    String reasons =
        byReason.entrySet().stream()
            .map(
                e ->
                    e.getKey()
                        + " "
                        + e.getValue()
                        + (scenarioReasons.contains(e.getKey()) ? " (per scenario)" : ""))
            .collect(Collectors.joining(", "));
    return "anomalies: "
        + total()
        + " ("
        + reasons
        + (undecodable > 0 ? ", undecodable " + undecodable : "")
        + "), kept on topic "
        + Topics.ANOMALIES
        + "; per scenario and VM in summary.csv's anomalies column (--report)";
  }

  /**
   * Reads the anomaly topic from {@code from} (the ends before the run) to its current end, within
   * {@code timeout}.
   */
  static AnomalyCounts read(Properties client, Map<TopicPartition, Long> from, Duration timeout)
      throws TimeoutException {
    // Anomalies are written in the processor's exactly-once transactions, with the results they go
    // with: read them as the results are read.
    Properties props = ResultsConsumer.consumerProps(client);
    Map<String, Long> byReason = new TreeMap<>();
    Set<String> scenarioReasons = new TreeSet<>();
    long undecodable = 0;
    try (KafkaConsumer<String, Anomaly> consumer =
        new KafkaConsumer<>(
            props, new StringDeserializer(), AvroSerde.of(Anomaly.class).deserializer())) {
      List<TopicPartition> partitions = List.copyOf(from.keySet());
      consumer.assign(partitions);
      from.forEach(consumer::seek);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() - deadline > 0) {
          throw new TimeoutException(
              "anomalies on " + Topics.ANOMALIES + " not read to their end after " + timeout);
        }
        try {
          for (ConsumerRecord<String, Anomaly> r : consumer.poll(POLL)) {
            byReason.merge(r.value().getReason(), 1L, Long::sum);
            if (!r.value().getScenario().isEmpty()) {
              scenarioReasons.add(r.value().getReason());
            }
          }
        } catch (RecordDeserializationException e) {
          undecodable++;
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
      }
    }
    return new AnomalyCounts(byReason, scenarioReasons, undecodable);
  }
}
