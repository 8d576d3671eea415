package io.coiommu.producer;

import io.coiommu.schema.AvroSerde;
import io.coiommu.schema.EventBatch;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds how much of each VM's stream the trace topic already holds, so that a restarted producer
 * sends only the rest.
 *
 * <p>How: for every partition, the last {@link #TAIL_RECORDS} records (or fewer, from the log
 * start) are read; each version-3 batch says where it ends in its VM's stream ({@code firstIndex +
 * count}), and the largest end per VM is what the topic holds (a VM's batches share a partition and
 * the idempotent producer keeps their order). A VM whose last batch lies further back than the tail
 * is sent again from its start: the processor drops every event it already applied, so that costs
 * time, never correctness. Batches of versions 1 and 2 carry no index and are ignored.
 */
public final class TraceTopicTail {

  private static final Logger LOG = LoggerFactory.getLogger(TraceTopicTail.class);

  /**
   * Records read per partition: the VMs replaying when the producer stopped have their last batch
   * among them.
   */
  static final int TAIL_RECORDS = 2048;

  private static final Duration POLL = Duration.ofSeconds(1);

  /**
   * One metadata or offsets request: a cold client's first fetch can take seconds; --timeout bounds
   * the whole.
   */
  private static final Duration REQUEST = Duration.ofSeconds(5);

  private TraceTopicTail() {}

  /**
   * Per VM, how many of its first events {@code topic} holds; empty when the topic does not exist
   * or has no indexed batch.
   *
   * @throws TimeoutException when the cluster does not answer within {@code timeout}
   */
  public static Map<String, Long> sentPerVm(Properties client, String topic, Duration timeout) {
    Properties props = new Properties();
    props.putAll(client);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "coiommu-trace-tail");
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Long> sent = new HashMap<>();
    try (KafkaConsumer<String, EventBatch> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), AvroSerde.of(EventBatch.class))) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, REQUEST);
      if (infos == null || infos.isEmpty()) {
        return Map.of();
      }
      List<TopicPartition> partitions =
          infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, REQUEST);
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, REQUEST);
      for (TopicPartition p : partitions) {
        consumer.seek(p, Math.max(begin.get(p), end.get(p) - TAIL_RECORDS));
      }
      while (partitions.stream().anyMatch(p -> consumer.position(p, REQUEST) < end.get(p))) {
        if (System.nanoTime() - deadline > 0) {
          throw new TimeoutException(
              "reading the tail of " + topic + " took longer than " + timeout);
        }
        try {
          for (ConsumerRecord<String, EventBatch> r : consumer.poll(POLL)) {
            EventBatch b = r.value();
            if (b != null && b.getFirstIndex() >= 0) {
              sent.merge(b.getVm(), b.getFirstIndex() + b.getCount(), Math::max);
            }
          }
        } catch (RecordDeserializationException e) {
          // Not a batch this producer can have written: it holds no position, the processor
          // dead-letters it.
          LOG.warn(
              "stepping over undecodable record {}@{} in the trace topic's tail",
              e.topicPartition(),
              e.offset());
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
      }
    }
    return sent;
  }
}
