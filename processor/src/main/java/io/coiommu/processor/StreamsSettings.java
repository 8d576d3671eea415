package io.coiommu.processor;

import io.coiommu.schema.KnownSchemas;
import io.coiommu.schema.Topics;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/** Kafka Streams settings of the processor role. */
public final class StreamsSettings {

  public static final String DEFAULT_APPLICATION_ID = "coiommu-processor";

  private StreamsSettings() {}

  /**
   * @param client connection and security settings shared by every role (bootstrap servers, SASL,
   *     TLS)
   */
  public static Properties properties(Properties client, String applicationId, Path stateDir) {
    KnownSchemas.allowGeneratedPackage();
    Properties p = new Properties();
    p.putAll(client);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    // A crash or a rebalance must not change the answer: each batch's results and its input offset
    // commit together.
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // The emulation is CPU-bound: one stream thread per core (threads beyond the partitions idle);
    // the client properties may say otherwise.
    p.put(
        StreamsConfig.NUM_STREAM_THREADS_CONFIG,
        client.getOrDefault(
            StreamsConfig.NUM_STREAM_THREADS_CONFIG, Runtime.getRuntime().availableProcessors()));
    // Results are visible to read_committed readers only after a commit, so the interval adds up to
    // itself to the latency of every window; each commit writes the state of every VM changed since
    // the previous one (a few bits per tracked page), so twice a second costs little against the
    // batches in between (the exactly-once default is 100 ms). Fleets of VMs with large DMA working
    // sets may want it longer: the client properties may say so.
    p.put(
        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
        client.getOrDefault(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 500));
    // A record that does not decode (bad bytes, unknown schema fingerprint) must not stop the
    // pipeline: it is logged, counted in the Streams metrics and kept byte for byte, with the
    // exception in its headers, on the dead-letter topic.
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueExceptionHandler.class);
    p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DEAD_LETTERS);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2000);
    // A record is a batch of up to thousands of events: Streams' default of 1000 buffered records
    // per partition would let a processor that lags keep hundreds of MiB of input on the heap.
    p.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, 64);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 20);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
    return p;
  }
}
