package io.coiommu.producer;

import io.coiommu.schema.EventBatch;
import io.coiommu.schema.EventBatchBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends a {@link TraceSource} to Kafka as {@link EventBatch} records keyed by VM id, each value
 * encoded by {@link EventBatchBuilder#encode} straight from the VM's pending events. The producer
 * is idempotent with acks=all, so a retried send can neither duplicate nor reorder a VM's batches,
 * and compresses with lz4, which costs little CPU on a small machine.
 */
public final class TraceProducer implements AutoCloseable {

  /**
   * Events per batch: large enough that per-record overhead vanishes, small enough to stay far
   * below max.request.size.
   */
  static final int MAX_BATCH_EVENTS = 4096;

  /**
   * Events held across all VMs before the fullest batches are sent (57 B each in columns, so about
   * 120 MiB): a fleet's VMs must still fill batches of thousands of events, or the processor writes
   * a VM's state and warms its cold emulator for every few hundred events (1,000 VMs, 1 s of trace:
   * 2,359 events a batch; 369 when the old cap of 256 Ki sent every batch; 10,000 VMs get a tenth).
   */
  static final int MAX_PENDING_EVENTS = 2 << 20;

  /** How often the progress listener hears from us. */
  private static final int PROGRESS_EVERY = 4096;

  /** Pacing sleeps only when this far ahead of the trace clock, so it does not thrash. */
  private static final long MIN_SLEEP_NANOS = 2_000_000L;

  /** Kafka's default delivery.timeout.ms, below which linger and request timeouts may not fit. */
  private static final Duration KAFKA_DELIVERY_TIMEOUT = Duration.ofMinutes(2);

  private final Producer<String, byte[]> producer;
  private final String topic;

  /**
   * @param kafkaClientProps at least {@code bootstrap.servers}; the delivery settings below are
   *     defaults that the caller may override
   * @param topic normally {@link io.coiommu.schema.Topics#TRACE_EVENTS}
   */
  public TraceProducer(Properties kafkaClientProps, String topic) {
    this(
        new KafkaProducer<>(
            withDefaults(kafkaClientProps), new StringSerializer(), new ByteArraySerializer()),
        topic);
  }

  TraceProducer(Producer<String, byte[]> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  /** The Kafka producer, for its metrics (see the launcher's RoleMetrics). */
  public Producer<String, byte[]> client() {
    return producer;
  }

  /**
   * {@code client} with the producer's delivery timeout set to {@code deadline} (at least Kafka's
   * own two minutes) where it sets none: a broker restarting mid-trace must not fail a role before
   * the deadline its user gave. After a kill -9 a broker recovers its logs before it takes writes
   * again, and on a loaded 2-core machine the trace producer of the 1,000-VM fleet gave up on one
   * that was back 2 minutes later (issue #14's field check).
   */
  public static Properties deliveringWithin(Properties client, Duration deadline) {
    Properties p = new Properties();
    p.putAll(client);
    p.putIfAbsent(
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
        Long.toString(Math.max(deadline.toMillis(), KAFKA_DELIVERY_TIMEOUT.toMillis())));
    return p;
  }

  static Properties withDefaults(Properties given) {
    Properties p = new Properties();
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "coiommu-trace-producer");
    p.putAll(given);
    return p;
  }

  /**
   * Sends every event of {@code source}, paced against trace time, and returns once the broker has
   * acknowledged all of them. A failed send fails the call with the broker's error. Each event's
   * values are encoded before the next event is asked for and the event is not kept, so a source
   * may refill one event object (the bench's replay does).
   */
  public ProduceStats produce(TraceSource source, Pacing pacing, ProgressListener progress) {
    return produce(source, pacing, progress, Map.of());
  }

  /**
   * Sends the events of {@code source} that the trace topic does not hold yet: per VM, the first
   * {@code alreadySent} events (as {@link TraceTopicTail} finds them) are counted but neither sent
   * nor paced, so a restarted producer goes on where the killed one stopped, at any speed.
   */
  public ProduceStats produce(
      TraceSource source, Pacing pacing, ProgressListener progress, Map<String, Long> alreadySent) {
    AtomicReference<Exception> failure = new AtomicReference<>();
    VmBatcher batcher =
        new VmBatcher(
            MAX_BATCH_EVENTS,
            MAX_PENDING_EVENTS,
            alreadySent,
            (vm, seq, firstIndex, events) ->
                producer.send(
                    new ProducerRecord<>(topic, vm, events.encode(vm, seq, firstIndex)),
                    (metadata, e) -> {
                      if (e != null) {
                        failure.compareAndSet(null, e);
                      }
                    }));
    progress.started(source.describe(), source.expectedEvents());
    long wallStart = System.nanoTime();
    long firstTs = Long.MIN_VALUE;
    long lastTs = Long.MIN_VALUE;
    long events = 0;
    boolean resuming = !alreadySent.isEmpty();
    while (source.hasNext()) {
      VmEvent event = source.next();
      if (resuming && !batcher.wouldSend(event)) {
        batcher.add(event);
        continue;
      }
      long ts = event.event().getTsNs();
      if (firstTs == Long.MIN_VALUE) {
        firstTs = ts;
      }
      lastTs = Math.max(lastTs, ts);
      if (!pacing.isMax()) {
        waitForTraceTime(batcher, wallStart + pacing.wallNanosFor(lastTs - firstTs));
      }
      batcher.add(event);
      events++;
      if (events % PROGRESS_EVERY == 0) {
        progress.progressed(events, lastTs - firstTs);
        failIfFailed(failure);
      }
    }
    batcher.flushAll();
    producer.flush();
    failIfFailed(failure);
    ProduceStats stats =
        new ProduceStats(
            events,
            batcher.batches(),
            batcher.vms(),
            events == 0 ? 0 : lastTs - firstTs,
            System.nanoTime() - wallStart,
            source.rejects(),
            batcher.skipped());
    progress.finished(stats);
    return stats;
  }

  /**
   * Before sleeping, hands over what is pending so the consumer sees events close to their trace
   * time.
   */
  private static void waitForTraceTime(VmBatcher batcher, long wallTarget) {
    long ahead = wallTarget - System.nanoTime();
    if (ahead < MIN_SLEEP_NANOS) {
      return;
    }
    batcher.flushAll();
    try {
      Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while pacing the trace", e);
    }
  }

  private static void failIfFailed(AtomicReference<Exception> failure) {
    Exception e = failure.get();
    if (e != null) {
      throw new KafkaException("sending trace events failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
