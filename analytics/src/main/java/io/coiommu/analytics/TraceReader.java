package io.coiommu.analytics;

import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventColumnsSerde;
import io.coiommu.schema.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the trace topic, from its beginning up to where it ends when the read starts, into a
 * {@link DmaTemporalLocality}. Call it once the results are complete: the processor has then read
 * the whole trace, so the trace is all there.
 */
public final class TraceReader {

  private static final Logger LOG = LoggerFactory.getLogger(TraceReader.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private TraceReader() {}

  public static DmaTemporalLocality temporalLocality(Properties kafkaClientProps, Duration timeout)
      throws TimeoutException {
    return temporalLocality(kafkaClientProps, timeout, Map.of());
  }

  /** Reads from the given offsets (partitions not named: from the beginning) to the current end. */
  public static DmaTemporalLocality temporalLocality(Properties kafkaClientProps, Duration timeout,
      Map<TopicPartition, Long> from) throws TimeoutException {
    try (KafkaConsumer<String, EventColumns> consumer = new KafkaConsumer<>(
        ResultsConsumer.consumerProps(kafkaClientProps), new StringDeserializer(), new EventColumnsSerde())) {
      return temporalLocality(consumer, timeout, from);
    }
  }

  static DmaTemporalLocality temporalLocality(Consumer<String, EventColumns> consumer, Duration timeout)
      throws TimeoutException {
    return temporalLocality(consumer, timeout, Map.of());
  }

  static DmaTemporalLocality temporalLocality(Consumer<String, EventColumns> consumer, Duration timeout,
      Map<TopicPartition, Long> from) throws TimeoutException {
    DmaTemporalLocality locality = new DmaTemporalLocality();
    var infos = consumer.partitionsFor(Topics.TRACE_EVENTS, timeout);
    if (infos == null || infos.isEmpty()) {
      throw new TimeoutException("topic " + Topics.TRACE_EVENTS + " does not exist");
    }
    List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    from.forEach((p, offset) -> {
      if (partitions.contains(p)) {
        consumer.seek(p, offset);
      }
    });
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
      if (System.nanoTime() - deadline > 0) {
        throw new TimeoutException("trace not read to its end after " + timeout);
      }
      try {
        for (ConsumerRecord<String, EventColumns> r : consumer.poll(POLL)) {
          locality.accept(r.value());
        }
      } catch (RecordDeserializationException e) {
        // The processor dead-letters such a batch too; locality simply lacks its events.
        LOG.error("skipping undecodable trace batch at {} offset {}: {}", e.topicPartition(), e.offset(), e.getMessage());
        consumer.seek(e.topicPartition(), e.offset() + 1);
      }
    }
    return locality;
  }
}
