package io.coiommu.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * The serializer writes what Avro's single-object encoder writes, though it encodes into a buffer
 * of its own and copies once: after a huge record, after a record that failed half-way, and with
 * one serde shared by threads, as Kafka Streams may share it.
 */
class AvroSerdeTest {

  private static final BinaryMessageEncoder<EventBatch> AVRO =
      new BinaryMessageEncoder<>(
          SpecificData.getForClass(EventBatch.class), EventBatch.getClassSchema());

  /** Avro's own encoding of {@code b}, as the serializer wrote it before it had a buffer. */
  private static byte[] avro(EventBatch b) throws Exception {
    ByteBuffer buf = AVRO.encode(b);
    byte[] out = new byte[buf.remaining()];
    buf.get(out);
    return out;
  }

  /** A batch of {@code n} events of every type, with gpas, devices and extras. */
  private static EventBatch batch(long seed, int n) {
    Random rnd = new Random(seed);
    EventBatchBuilder b = new EventBatchBuilder(16);
    EventType[] types = EventType.values();
    for (int i = 0; i < n; i++) {
      TraceEvent e =
          TraceEvent.newBuilder()
              .setType(types[rnd.nextInt(types.length)])
              .setTsNs(i * 1_000L + rnd.nextInt(500))
              .setDevice("dev" + rnd.nextInt(3))
              .setIova((long) rnd.nextInt(1 << 20) << 12)
              .setGpa(rnd.nextBoolean() ? null : (long) rnd.nextInt(1 << 20) << 12)
              .setBytes(4096L << rnd.nextInt(4))
              .setCallId(i)
              .setGuestMemoryBytes(rnd.nextInt(100) == 0 ? 1L << 30 : 0)
              .setHost(rnd.nextInt(100) == 0 ? "host" + rnd.nextInt(4) : "")
              .build();
      b.add(e);
    }
    return b.build("vm-" + seed, seed, seed * 10);
  }

  @Test
  void writesWhatAvrosEncoderWritesAfterAHugeRecordAndAFailedOne() throws Exception {
    AvroSerde<EventBatch> serde = AvroSerde.of(EventBatch.class);
    EventBatch small = batch(1, 50);
    // About 2 MiB: past what the per-thread buffer keeps.
    EventBatch huge = batch(2, 150_000);
    EventBatch empty = batch(3, 0);
    assertThat(serde.serialize("t", small)).isEqualTo(avro(small));
    byte[] hugeBytes = serde.serialize("t", huge);
    assertThat(hugeBytes.length).isGreaterThan(1 << 20);
    assertThat(hugeBytes).isEqualTo(avro(huge));
    assertThat(serde.serialize("t", small)).isEqualTo(avro(small));
    assertThat(serde.serialize("t", empty)).isEqualTo(avro(empty));

    // Its header and first fields are written before the missing device list fails it.
    EventBatch broken = batch(4, 1000);
    broken.setDevices(null);
    assertThatThrownBy(() -> serde.serialize("topic-x", broken))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("EventBatch")
        .hasMessageContaining("topic-x");
    assertThat(serde.serialize("t", small)).isEqualTo(avro(small));
    assertThat(serde.deserialize("t", serde.serialize("t", huge))).isEqualTo(huge);
  }

  @Test
  void oneSerdeSharedByThreadsWritesEachRecordsOwnBytes() throws Exception {
    AvroSerde<EventBatch> serde = AvroSerde.of(EventBatch.class);
    List<EventBatch> batches = new ArrayList<>();
    List<byte[]> expected = new ArrayList<>();
    for (int k = 0; k < 8; k++) {
      EventBatch b = batch(10 + k, 200 + 700 * k);
      batches.add(b);
      expected.add(avro(b));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int first = t;
        done.add(
            pool.submit(
                () -> {
                  int checked = 0;
                  for (int i = 0; i < 2_000; i++) {
                    int k = (first + i * 3) % batches.size();
                    assertThat(serde.serialize("t", batches.get(k))).isEqualTo(expected.get(k));
                    checked++;
                  }
                  return checked;
                }));
      }
      for (Future<Integer> f : done) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(2_000);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
