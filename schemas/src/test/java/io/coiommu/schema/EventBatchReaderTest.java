package io.coiommu.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * The serde reads records of the current schema from their bytes (EventBatchReader): it must give
 * exactly what Avro's decoder followed by EventColumns.of gives for the same bytes, and refuse
 * every corrupt record by field, never with an index error or an allocation from a corrupt length.
 */
class EventBatchReaderTest {

  private static final String TOPIC = "trace-t";
  private static final AvroSerde<EventBatch> AVRO = AvroSerde.of(EventBatch.class);
  private final EventColumnsSerde serde = new EventColumnsSerde();

  private static final long[] EXTREMES = {
    Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 1, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1, 1L << 40
  };

  /** Random events of every type; {@code devices} distinct device strings, some not ASCII. */
  static List<TraceEvent> events(SplittableRandom rnd, int n, int devices, boolean extreme) {
    List<String> pool = new ArrayList<>(List.of("", "0000:03:00.0", "h\u00f4te-\ud83d\ude00"));
    while (pool.size() < devices) {
      pool.add(String.format("0000:%02x:%02x.%d", rnd.nextInt(256), rnd.nextInt(32), pool.size()));
    }
    EventType[] types = EventType.values();
    DmaDirection[] directions = DmaDirection.values();
    List<TraceEvent> out = new ArrayList<>();
    long ts = rnd.nextLong(1L << 50);
    long iova = rnd.nextLong(1L << 48);
    long call = rnd.nextLong(1000);
    for (int i = 0; i < n; i++) {
      ts += rnd.nextInt(5000);
      iova += (rnd.nextInt(64) - 32) * 4096L;
      call += rnd.nextInt(3);
      TraceEvent.Builder e =
          TraceEvent.newBuilder()
              .setType(types[rnd.nextInt(types.length)])
              .setTsNs(extreme ? pick(rnd, ts) : ts)
              .setDevice(pool.get(rnd.nextInt(Math.min(pool.size(), devices))))
              .setIova(extreme ? pick(rnd, iova) : iova)
              .setBytes(extreme ? pick(rnd, 4096) : rnd.nextInt(1 << 20))
              .setDirection(directions[rnd.nextInt(directions.length)])
              .setCallId(extreme ? pick(rnd, call) : call);
      int gpa = rnd.nextInt(4);
      if (gpa == 1) {
        e.setGpa(iova);
      } else if (gpa == 2) {
        e.setGpa(extreme ? pick(rnd, iova) : iova + rnd.nextInt(1 << 30));
      }
      if (rnd.nextInt(20) == 0) {
        e.setGuestMemoryBytes(extreme ? pick(rnd, 1L << 30) : 1L << (20 + rnd.nextInt(20)));
        e.setHost(rnd.nextBoolean() ? "" : "host-" + rnd.nextInt(50) + "-\u00e9");
      }
      out.add(e.build());
    }
    return out;
  }

  private static long pick(SplittableRandom rnd, long usual) {
    int k = rnd.nextInt(4);
    return k == 0 ? EXTREMES[rnd.nextInt(EXTREMES.length)] : k == 1 ? rnd.nextLong() : usual;
  }

  private static byte[] record(String vm, long seq, long firstIndex, List<TraceEvent> events) {
    return AVRO.serialize(TOPIC, EventColumns.encode(vm, seq, firstIndex, events));
  }

  /** What the records decoded to before EventBatchReader: Avro's EventBatch, then its columns. */
  private static EventColumns throughAvro(byte[] record) {
    return EventColumns.of(AVRO.deserialize(TOPIC, record));
  }

  static void assertSameColumns(EventColumns actual, EventColumns expected) {
    assertThat(actual.vm()).isEqualTo(expected.vm());
    assertThat(actual.seq()).isEqualTo(expected.seq());
    assertThat(actual.firstIndex()).isEqualTo(expected.firstIndex());
    assertThat(actual.size()).isEqualTo(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      String at = "event " + i;
      assertThat(actual.type(i)).as(at).isEqualTo(expected.type(i));
      assertThat(actual.tsNs(i)).as(at).isEqualTo(expected.tsNs(i));
      assertThat(actual.device(i)).as(at).isEqualTo(expected.device(i));
      assertThat(actual.iova(i)).as(at).isEqualTo(expected.iova(i));
      assertThat(actual.hasGpa(i)).as(at).isEqualTo(expected.hasGpa(i));
      assertThat(actual.gpa(i)).as(at).isEqualTo(expected.gpa(i));
      assertThat(actual.bytes(i)).as(at).isEqualTo(expected.bytes(i));
      assertThat(actual.direction(i)).as(at).isEqualTo(expected.direction(i));
      assertThat(actual.callId(i)).as(at).isEqualTo(expected.callId(i));
      assertThat(actual.guestMemoryBytes(i)).as(at).isEqualTo(expected.guestMemoryBytes(i));
      assertThat(actual.host(i)).as(at).isEqualTo(expected.host(i));
    }
  }

  /** Decodes through the serde, checking it took the direct path. */
  private EventColumns direct(byte[] record) {
    assertThat(EventBatchReader.isCurrent(record)).isTrue();
    assertThat(EventBatchReader.read(record)).as("read directly").isNotNull();
    return serde.deserialize(TOPIC, record);
  }

  @Test
  void manyBatchesDecodeToTheColumnsAvroGives() {
    SplittableRandom rnd = new SplittableRandom(14);
    int[] sizes = {0, 1, 2, 3, 17, 100, 4096};
    int checked = 0;
    for (int round = 0; round < 40; round++) {
      for (int n : sizes) {
        if (n == 4096 && round % 8 != 0) {
          continue;
        }
        int devices = 1 + rnd.nextInt(round % 4 == 3 ? 300 : 4);
        boolean extreme = round % 2 == 1;
        long seq = extreme ? pick(rnd, round) : round;
        long firstIndex = rnd.nextBoolean() ? -1 : extreme ? pick(rnd, 1000) : round * 1000L;
        String vm = round % 5 == 0 ? "" : "vm-" + round + "-\u00fc\ud83d\ude00";
        byte[] record = record(vm, seq, firstIndex, events(rnd, n, devices, extreme));
        assertSameColumns(direct(record), throughAvro(record));
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(200);
  }

  @Test
  void deltasThatWrapAroundDecodeExactly() {
    List<TraceEvent> events = new ArrayList<>();
    long[] values = {Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, 0, Long.MAX_VALUE, -1, 1};
    for (long v : values) {
      events.add(
          TraceEvent.newBuilder()
              .setType(EventType.DMA_MAP)
              .setTsNs(v)
              .setIova(-v)
              .setGpa(v)
              .setBytes(v)
              .setCallId(~v)
              .setGuestMemoryBytes(v)
              .setHost("h")
              .build());
    }
    byte[] record = record("vm", Long.MIN_VALUE, Long.MAX_VALUE, events);
    EventColumns c = direct(record);
    assertSameColumns(c, throughAvro(record));
    assertThat(c.events()).isEqualTo(events);
  }

  @Test
  void arraysWrittenInBlocksWithByteSizesReadTheSame() throws IOException {
    SplittableRandom rnd = new SplittableRandom(3);
    EventBatch batch = EventColumns.encode("vm", 5, 7, events(rnd, 500, 300, false));
    assertThat(batch.getDevices()).hasSizeGreaterThan(100);
    assertThat(batch.getExtras()).hasSizeGreaterThan(5);
    // Avro's blocking encoder cuts arrays into blocks of a negative count and a byte size.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(header(SchemaNormalization.parsingFingerprint64(EventBatch.getClassSchema())));
    BinaryEncoder blocks =
        new EncoderFactory().configureBlockSize(64).blockingBinaryEncoder(out, null);
    new SpecificDatumWriter<>(EventBatch.class).write(batch, blocks);
    blocks.flush();
    byte[] record = out.toByteArray();
    assertThat(record).isNotEqualTo(AVRO.serialize(TOPIC, batch));
    assertSameColumns(direct(record), throughAvro(record));
  }

  @Test
  void versionOneEventsInARecordOfTheCurrentSchemaReadTheSame() {
    List<TraceEvent> events = events(new SplittableRandom(1), 20, 3, true);
    byte[] record =
        AVRO.serialize(
            TOPIC, EventBatch.newBuilder().setVm("vm1").setSeq(4).setEvents(events).build());
    EventColumns c = direct(record);
    assertSameColumns(c, throughAvro(record));
    assertThat(c.events()).isEqualTo(events);
    byte[] both =
        AVRO.serialize(
            TOPIC,
            EventBatch.newBuilder().setVm("vm1").setSeq(4).setEvents(events).setCount(1).build());
    assertThatThrownBy(() -> serde.deserialize(TOPIC, both))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("field count")
        .hasMessageContaining("one form only");
  }

  @Test
  void theReaderReadsTheSchemaItWasWrittenFor() {
    // EventBatchReader reads these fields in this order by hand: a change to EventBatch.avsc or
    // TraceEvent.avsc must change it too.
    assertThat(describe(EventBatch.getClassSchema()))
        .isEqualTo(
            "EventBatch{vm:string seq:long events:[TraceEvent{type:EventType("
                + Arrays.toString(EventType.values())
                + ") tsNs:long device:string iova:long gpa:(null|long) bytes:long"
                + " direction:DmaDirection("
                + Arrays.toString(DmaDirection.values())
                + ") callId:long guestMemoryBytes:long host:string}] count:int flags:bytes"
                + " tsNs:bytes iova:bytes gpa:bytes bytes:bytes callId:bytes devices:[string]"
                + " device:bytes extras:[EventExtra{index:int guestMemoryBytes:long host:string}]"
                + " firstIndex:long}");
  }

  private static String describe(org.apache.avro.Schema s) {
    return switch (s.getType()) {
      case RECORD ->
          s.getName()
              + s.getFields().stream()
                  .map(f -> f.name() + ":" + describe(f.schema()))
                  .collect(java.util.stream.Collectors.joining(" ", "{", "}"));
      case ARRAY -> "[" + describe(s.getElementType()) + "]";
      case UNION ->
          s.getTypes().stream()
              .map(EventBatchReaderTest::describe)
              .collect(java.util.stream.Collectors.joining("|", "(", ")"));
      case ENUM -> s.getName() + "(" + s.getEnumSymbols() + ")";
      default -> s.getType().getName();
    };
  }

  @Test
  void everyTruncationFailsNamingTheField() {
    SplittableRandom rnd = new SplittableRandom(9);
    List<TraceEvent> events = events(rnd, 40, 5, true);
    events.set(
        0, TraceEvent.newBuilder(events.get(0)).setHost("h1").setGuestMemoryBytes(1 << 30).build());
    byte[] record = record("vm9", 12, 480, events);
    for (int cut = 0; cut < record.length; cut++) {
      byte[] cutShort = Arrays.copyOf(record, cut);
      String at = "cut at " + cut + " of " + record.length;
      if (cut < 10) {
        // No schema named yet: Avro's decoder refuses it, as before.
        assertThatThrownBy(() -> serde.deserialize(TOPIC, cutShort))
            .as(at)
            .isInstanceOf(SerializationException.class)
            .hasMessageContaining(TOPIC);
      } else {
        assertThatThrownBy(() -> serde.deserialize(TOPIC, cutShort))
            .as(at)
            .isInstanceOf(SerializationException.class)
            .hasMessageContaining("from topic " + TOPIC)
            .hasMessageContaining(", field ")
            .hasCauseInstanceOf(InvalidBatchException.class);
      }
    }
  }

  @Test
  void everyChangedByteDecodesAsAvroWouldOrFailsNamingTheField() {
    SplittableRandom rnd = new SplittableRandom(21);
    List<TraceEvent> events = events(rnd, 30, 4, false);
    events.set(
        3, TraceEvent.newBuilder(events.get(3)).setHost("h2").setGuestMemoryBytes(1 << 20).build());
    byte[] record = record("vm7", 3, 90, events);
    int[] masks = {0x01, 0x02, 0x40, 0x7f, 0x80, 0xff};
    int decoded = 0;
    int refused = 0;
    for (int p = 10; p < record.length; p++) {
      for (int mask : masks) {
        byte[] changed = record.clone();
        changed[p] ^= (byte) mask;
        EventColumns c;
        try {
          c = serde.deserialize(TOPIC, changed);
        } catch (SerializationException e) {
          assertThat(e)
              .as("byte %d ^ %x", p, mask)
              .hasMessageContaining(", field ")
              .hasCauseInstanceOf(InvalidBatchException.class);
          refused++;
          continue;
        }
        assertSameColumns(c, throughAvro(changed));
        decoded++;
      }
    }
    assertThat(refused).isPositive();
    assertThat(decoded).isPositive();
  }

  /** The record's start, up to and with the events array (empty) and count, by hand. */
  private static ByteArrayOutputStream start(int count) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(header(SchemaNormalization.parsingFingerprint64(EventBatch.getClassSchema())));
    BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
    e.writeString("vm5");
    e.writeLong(8);
    e.writeArrayStart();
    e.setItemCount(0);
    e.writeArrayEnd();
    e.writeInt(count);
    e.flush();
    return out;
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    byte[] b = new byte[10];
    out.write(b, 0, BinaryData.encodeLong(v, b, 0));
  }

  @Test
  void aHugeLengthIsRefusedBeforeAnythingIsSizedFromIt() throws IOException {
    for (long huge : new long[] {1L << 31, (1L << 31) - 1, Long.MAX_VALUE, -1, Long.MIN_VALUE}) {
      ByteArrayOutputStream out = start(3);
      varint(out, huge);
      out.write(new byte[] {0, 0, 0});
      assertThatThrownBy(() -> serde.deserialize(TOPIC, out.toByteArray()))
          .as("flags length %d", huge)
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("EventBatch of VM vm5 seq 8, field flags: length " + huge);
    }
  }

  @Test
  void aHugeArrayCountIsRefusedBeforeAnythingIsSizedFromIt() throws IOException {
    for (long huge : new long[] {1L << 31, Long.MAX_VALUE, Long.MIN_VALUE, -(1L << 40)}) {
      ByteArrayOutputStream out = start(0);
      for (int column = 0; column < 6; column++) {
        varint(out, 0);
      }
      varint(out, huge);
      varint(out, 4);
      out.write(new byte[] {2, 'a', 2, 'b'});
      assertThatThrownBy(() -> serde.deserialize(TOPIC, out.toByteArray()))
          .as("devices count %d", huge)
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("field devices: array block of");
    }
  }

  @Test
  void aCountOutsideAnIntIsRefused() throws IOException {
    ByteArrayOutputStream out = start(0);
    byte[] bytes = out.toByteArray();
    // count is the last byte (0); an Avro int cannot hold 2^31.
    ByteArrayOutputStream wide = new ByteArrayOutputStream();
    wide.write(bytes, 0, bytes.length - 1);
    varint(wide, 1L << 31);
    assertThatThrownBy(() -> serde.deserialize(TOPIC, wide.toByteArray()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("field count: int out of range");
  }

  @Test
  void bytesAfterTheLastFieldAreRefused() {
    byte[] record = record("vm1", 0, 0, events(new SplittableRandom(2), 5, 2, false));
    byte[] longer = Arrays.copyOf(record, record.length + 1);
    assertThatThrownBy(() -> serde.deserialize(TOPIC, longer))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("field firstIndex: 1 bytes left after it");
  }

  @Test
  void aColumnThatDoesNotDecodeNamesItsEventAsBefore() {
    EventBatch b = EventColumns.encode("vm1", 3, events(new SplittableRandom(4), 10, 2, false));
    byte[] tsNs = new byte[b.getTsNs().remaining()];
    b.getTsNs().duplicate().get(tsNs);
    // The last varint made to run on past the column's end.
    tsNs[tsNs.length - 1] |= (byte) 0x80;
    b.setTsNs(java.nio.ByteBuffer.wrap(tsNs));
    byte[] record = AVRO.serialize(TOPIC, b);
    assertThatThrownBy(() -> serde.deserialize(TOPIC, record))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("from topic " + TOPIC)
        .hasMessageContaining("EventBatch of VM vm1 seq 3, field tsNs, event 9")
        .hasMessageContaining("ends inside");
  }

  @Test
  void anUnknownFingerprintStillFailsInAvro() {
    byte[] record = record("vm1", 0, 0, events(new SplittableRandom(5), 5, 2, false));
    byte[] unknown = record.clone();
    Arrays.fill(unknown, 2, 10, (byte) 0x5a);
    assertThat(EventBatchReader.isCurrent(unknown)).isFalse();
    assertThatThrownBy(() -> serde.deserialize(TOPIC, unknown))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("cannot decode EventBatch from topic " + TOPIC);
  }

  private static byte[] header(long fingerprint) {
    return java.nio.ByteBuffer.allocate(10)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .put((byte) 0xC3)
        .put((byte) 0x01)
        .putLong(fingerprint)
        .array();
  }
}
