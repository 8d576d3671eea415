package io.coiommu.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compatibility rule (docs/operations.md): every schema change is BACKWARD compatible, so the
 * current code reads records written with the previous version. The previous versions live in
 * src/test/resources/previous.
 */
class SchemaEvolutionTest {

  private static final List<String> FILES =
      List.of("EventType", "DmaDirection", "TraceEvent", "WindowResult", "Anomaly");
  private static final Map<String, Schema> PREVIOUS = new HashMap<>();

  @BeforeAll
  static void loadPrevious() throws IOException {
    // One parser for all files, in dependency order: later files refer to the types of earlier ones
    // by name.
    Schema.Parser parser = new Schema.Parser();
    for (String name : FILES) {
      try (InputStream in =
          SchemaEvolutionTest.class.getResourceAsStream("/previous/" + name + ".avsc")) {
        PREVIOUS.put(name, parser.parse(in));
      }
    }
    // EventBatch version 1 (the real one, as KnownSchemas ships it) holds the TraceEvent of its
    // time: today's.
    Schema.Parser v1 = new Schema.Parser();
    v1.parse(TraceEvent.getClassSchema().toString());
    try (InputStream in =
        SchemaEvolutionTest.class.getResourceAsStream("/previous/EventBatch.avsc")) {
      PREVIOUS.put("EventBatch", v1.parse(in));
    }
  }

  private static SchemaStore currentAndPrevious() {
    SchemaStore.Cache store = new SchemaStore.Cache();
    store.addSchema(TraceEvent.getClassSchema());
    store.addSchema(EventBatch.getClassSchema());
    store.addSchema(WindowResult.getClassSchema());
    store.addSchema(Anomaly.getClassSchema());
    PREVIOUS.values().forEach(store::addSchema);
    return store;
  }

  @Test
  void everyCurrentSchemaCanReadItsPreviousVersion() {
    Map<Schema, Schema> pairs =
        Map.of(
            TraceEvent.getClassSchema(),
            PREVIOUS.get("TraceEvent"),
            EventBatch.getClassSchema(),
            PREVIOUS.get("EventBatch"),
            WindowResult.getClassSchema(),
            PREVIOUS.get("WindowResult"),
            Anomaly.getClassSchema(),
            PREVIOUS.get("Anomaly"));
    pairs.forEach(
        (current, previous) -> {
          assertThat(
                  SchemaCompatibility.checkReaderWriterCompatibility(current, previous).getType())
              .as(current.getName())
              .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
          assertThat(SchemaAvroFingerprint.of(current))
              .as("%s changed", current.getName())
              .isNotEqualTo(SchemaAvroFingerprint.of(previous));
        });
  }

  @Test
  void aBatchWrittenWithThePreviousSchemaIsReadWithDefaultsForNewFields() throws IOException {
    Schema batchSchema = PREVIOUS.get("EventBatch");
    Schema eventSchema = batchSchema.getField("events").schema().getElementType();
    GenericRecord event = new GenericData.Record(eventSchema);
    event.put("type", new GenericData.EnumSymbol(eventSchema.getField("type").schema(), "DMA_MAP"));
    event.put(
        "direction",
        new GenericData.EnumSymbol(eventSchema.getField("direction").schema(), "BIDIRECTIONAL"));
    event.put("callId", 0L);
    event.put("host", "");
    event.put("tsNs", 42L);
    event.put("device", "0000:03:00.0");
    event.put("iova", 0x1000L);
    event.put("gpa", 0x2000L);
    event.put("bytes", 4096L);
    event.put("guestMemoryBytes", 0L);
    GenericRecord batch = new GenericData.Record(batchSchema);
    batch.put("vm", "vm1");
    batch.put("seq", 7L);
    batch.put("events", List.of(event));

    EventBatch read =
        new AvroSerde<>(EventBatch.class, currentAndPrevious())
            .deserialize("t", encode(batchSchema, batch));

    assertThat(read.getVm()).isEqualTo("vm1");
    assertThat(read.getSeq()).isEqualTo(7L);
    assertThat(read.getCount()).isZero();
    assertThat(read.getDevices()).isEmpty();
    // The shipped KnownSchemas must know version 1 by itself: topics and archives hold such
    // records.
    EventColumns columns = new EventColumnsSerde().deserialize("t", encode(batchSchema, batch));
    assertThat(columns.vm()).isEqualTo("vm1");
    assertThat(columns.seq()).isEqualTo(7L);
    assertThat(columns.size()).isEqualTo(1);
    TraceEvent e = columns.event(0, null);
    assertThat(e.getType()).isEqualTo(EventType.DMA_MAP);
    assertThat(e.getGpa()).isEqualTo(0x2000L);
    assertThat(e.getBytes()).isEqualTo(4096L);
    assertThat(e.getCallId()).isZero();
    assertThat(e.getDirection()).isEqualTo(DmaDirection.BIDIRECTIONAL);
    assertThat(e.getHost()).isEmpty();
  }

  @Test
  void aVersion2BatchIsReadWithoutAPositionAndAVersion3BatchKeepsIt() throws IOException {
    Schema v2 = KnownSchemas.EVENT_BATCH_V2;
    assertThat(
            SchemaCompatibility.checkReaderWriterCompatibility(EventBatch.getClassSchema(), v2)
                .getType())
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    assertThat(SchemaAvroFingerprint.of(v2))
        .isNotEqualTo(SchemaAvroFingerprint.of(EventBatch.getClassSchema()));
    GenericRecord batch = new GenericData.Record(v2);
    for (Schema.Field f : v2.getFields()) {
      if (f.hasDefaultValue()) {
        batch.put(
            f.name(), GenericData.get().deepCopy(f.schema(), GenericData.get().getDefaultValue(f)));
      }
    }
    batch.put("vm", "vm1");
    batch.put("seq", 4L);
    // The shipped KnownSchemas must know version 2 by itself: trace topics written before version 3
    // hold such records.
    EventColumns old = new EventColumnsSerde().deserialize("t", encode(v2, batch));
    assertThat(old.seq()).isEqualTo(4L);
    assertThat(old.firstIndex()).isEqualTo(-1L);

    TraceEvent e = TraceEvent.newBuilder().setType(EventType.VM_STOP).setTsNs(9L).build();
    EventColumns current =
        EventColumns.of(
            EventBatch.fromByteBuffer(
                EventColumns.encode("vm1", 0L, 12_345L, List.of(e)).toByteBuffer()));
    assertThat(current.firstIndex()).isEqualTo(12_345L);
    assertThat(current.event(0, null).getTsNs()).isEqualTo(9L);
  }

  @Test
  void aWindowResultAndAnAnomalyWrittenWithThePreviousSchemaAreRead() throws IOException {
    Schema resultSchema = PREVIOUS.get("WindowResult");
    GenericRecord result = new GenericData.Record(resultSchema);
    for (Schema.Field f : resultSchema.getFields()) {
      if (!f.hasDefaultValue()) {
        continue;
      }
      result.put(
          f.name(), GenericData.get().deepCopy(f.schema(), GenericData.get().getDefaultValue(f)));
    }
    result.put("scenario", "oracle");
    result.put("vm", "vm1");
    result.put("windowStartNs", 0L);
    result.put("windowEndNs", 1_000_000_000L);
    result.put("pinnedPages", 12L);
    WindowResult r =
        new AvroSerde<>(WindowResult.class, currentAndPrevious())
            .deserialize("t", encode(resultSchema, result));
    assertThat(r.getPinnedPages()).isEqualTo(12L);
    assertThat(r.getWindowEndNs()).isEqualTo(1_000_000_000L);
    assertThat(r.getCpuCostNs()).isZero();
    assertThat(r.getAnomalies()).isZero();

    Schema anomalySchema = PREVIOUS.get("Anomaly");
    GenericRecord event = new GenericData.Record(PREVIOUS.get("TraceEvent"));
    event.put("type", new GenericData.EnumSymbol(PREVIOUS.get("EventType"), "VM_STOP"));
    event.put("tsNs", 5L);
    for (String f : List.of("iova", "bytes", "guestMemoryBytes")) {
      event.put(f, 0L);
    }
    event.put("device", "");
    GenericRecord anomaly = new GenericData.Record(anomalySchema);
    anomaly.put("vm", "vm1");
    anomaly.put("reason", "LATE_EVENT");
    anomaly.put("detail", "d");
    anomaly.put("event", event);
    Anomaly a =
        new AvroSerde<>(Anomaly.class, currentAndPrevious())
            .deserialize("t", encode(anomalySchema, anomaly));
    assertThat(a.getReason()).isEqualTo("LATE_EVENT");
    assertThat(a.getScenario()).isEmpty();
    assertThat(a.getEvent().getTsNs()).isEqualTo(5L);
  }

  @Test
  void aReaderThatDoesNotKnowTheWriterSchemaRefusesTheRecord() throws IOException {
    Schema batchSchema = PREVIOUS.get("EventBatch");
    GenericRecord batch = new GenericData.Record(batchSchema);
    batch.put("vm", "vm1");
    batch.put("seq", 0L);
    batch.put("events", List.of());
    byte[] bytes = encode(batchSchema, batch);
    SchemaStore.Cache currentOnly = new SchemaStore.Cache();
    currentOnly.addSchema(EventBatch.getClassSchema());
    assertThatThrownBy(() -> new AvroSerde<>(EventBatch.class, currentOnly).deserialize("t", bytes))
        .hasMessageContaining("cannot decode EventBatch");
  }

  private static byte[] encode(Schema schema, GenericRecord record) throws IOException {
    ByteBuffer b =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record);
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  /** The 64-bit fingerprint single-object encoding puts in front of each record. */
  private static final class SchemaAvroFingerprint {
    static long of(Schema s) {
      return org.apache.avro.SchemaNormalization.parsingFingerprint64(s);
    }
  }
}
