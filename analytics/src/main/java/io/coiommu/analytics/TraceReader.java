package io.coiommu.analytics;

import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventColumnsSerde;
import io.coiommu.schema.Topics;
import io.coiommu.schema.TraceEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the trace topic, from its beginning up to where it ends when the read starts, into a {@link
 * DmaTemporalLocality}. Call it once the results are complete: the processor has then read the
 * whole trace, so the trace is all there.
 */
public final class TraceReader {

  private static final Logger LOG = LoggerFactory.getLogger(TraceReader.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private TraceReader() {}

  /**
   * What the trace topic holds: its VMs and their DMA temporal locality. A batch that says where it
   * sits in its VM's stream (version 3) contributes only the events not read before, so a restarted
   * producer's repeats count once, as the processor applies them once.
   */
  public record TraceContents(Set<String> vms, DmaTemporalLocality locality) {}

  /**
   * Reads from the given offsets (partitions not named: from the beginning) to the current end,
   * twice: the records' keys first, for the number of VMs, which sizes each VM's share of the
   * locality's memory (see {@link DmaTemporalLocality#DmaTemporalLocality(int)}); then the events.
   */
  public static TraceContents read(
      Properties kafkaClientProps, Duration timeout, Map<TopicPartition, Long> from)
      throws TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<String> keys = new TreeSet<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            ResultsConsumer.consumerProps(kafkaClientProps),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      readToEnd(consumer, timeout, from, r -> keys.add(r.key()));
    }
    return read(
        kafkaClientProps,
        Duration.ofNanos(Math.max(POLL.toNanos(), deadline - System.nanoTime())),
        from,
        keys);
  }

  private static TraceContents read(
      Properties kafkaClientProps,
      Duration timeout,
      Map<TopicPartition, Long> from,
      Set<String> vmsExpected)
      throws TimeoutException {
    try (KafkaConsumer<String, EventColumns> consumer =
        new KafkaConsumer<>(
            ResultsConsumer.consumerProps(kafkaClientProps),
            new StringDeserializer(),
            new EventColumnsSerde())) {
      return read(consumer, timeout, from, vmsExpected.size());
    }
  }

  /**
   * The locality of a trace whose VMs the caller knows (a run counts them as it produces): one
   * pass.
   */
  public static DmaTemporalLocality temporalLocality(
      Properties kafkaClientProps, Duration timeout, Map<TopicPartition, Long> from, int vms)
      throws TimeoutException {
    try (KafkaConsumer<String, EventColumns> consumer =
        new KafkaConsumer<>(
            ResultsConsumer.consumerProps(kafkaClientProps),
            new StringDeserializer(),
            new EventColumnsSerde())) {
      return read(consumer, timeout, from, vms).locality();
    }
  }

  static TraceContents read(
      Consumer<String, EventColumns> consumer,
      Duration timeout,
      Map<TopicPartition, Long> from,
      int vmsInTrace)
      throws TimeoutException {
    DmaTemporalLocality locality = new DmaTemporalLocality(vmsInTrace);
    Set<String> vms = new TreeSet<>();
    Map<String, Long> nextIndex = new HashMap<>();
    TraceEvent reused = new TraceEvent();
    readToEnd(
        consumer,
        timeout,
        from,
        r -> {
          EventColumns batch = r.value();
          vms.add(batch.vm());
          int firstNew = 0;
          if (batch.firstIndex() >= 0) {
            long next = nextIndex.getOrDefault(batch.vm(), 0L);
            firstNew = (int) Math.min(batch.size(), Math.max(0, next - batch.firstIndex()));
            nextIndex.put(batch.vm(), Math.max(next, batch.firstIndex() + batch.size()));
          }
          for (int i = firstNew; i < batch.size(); i++) {
            // accept keeps no reference to the event: one object serves the whole batch.
            locality.accept(batch.vm(), batch.event(i, reused));
          }
        });
    return new TraceContents(vms, locality);
  }

  private interface RecordHandler<V> {
    void accept(ConsumerRecord<String, V> r);
  }

  /**
   * Hands every record of the trace topic, from {@code from} to the end it has now, to {@code
   * each}.
   */
  private static <V> void readToEnd(
      Consumer<String, V> consumer,
      Duration timeout,
      Map<TopicPartition, Long> from,
      RecordHandler<V> each)
      throws TimeoutException {
    var infos = consumer.partitionsFor(Topics.TRACE_EVENTS, timeout);
    if (infos == null || infos.isEmpty()) {
      throw new TimeoutException("topic " + Topics.TRACE_EVENTS + " does not exist");
    }
    List<TopicPartition> partitions =
        infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    from.forEach(
        (p, offset) -> {
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
        for (ConsumerRecord<String, V> r : consumer.poll(POLL)) {
          each.accept(r);
        }
      } catch (RecordDeserializationException e) {
        // The processor dead-letters such a batch too; locality simply lacks its events.
        LOG.error(
            "skipping undecodable trace batch at {} offset {}: {}",
            e.topicPartition(),
            e.offset(),
            e.getMessage());
        consumer.seek(e.topicPartition(), e.offset() + 1);
      }
    }
  }
}
