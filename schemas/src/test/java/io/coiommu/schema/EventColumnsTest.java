package io.coiommu.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class EventColumnsTest {

  private static final String NIC = "0000:03:00.0";

  private static List<TraceEvent> events() {
    return List.of(
        TraceEvent.newBuilder()
            .setType(EventType.VM_START)
            .setTsNs(1_000)
            .setGuestMemoryBytes(1L << 30)
            .setHost("h1")
            .build(),
        TraceEvent.newBuilder()
            .setType(EventType.DMA_MAP)
            .setTsNs(2_000_000)
            .setDevice(NIC)
            .setIova(0x10000)
            .setGpa(0x10000L)
            .setBytes(1500)
            .setDirection(DmaDirection.TO_DEVICE)
            .setCallId(7)
            .build(),
        TraceEvent.newBuilder()
            .setType(EventType.DMA_UNMAP)
            .setTsNs(3_000_000)
            .setDevice(NIC)
            .setIova(0x10000)
            .setBytes(1500)
            .setCallId(8)
            .build());
  }

  private static EventBatch good() {
    return EventColumns.encode("vm1", 3, events());
  }

  @Test
  void aVersionOneBatchDecodesFromItsEventList() {
    EventBatch v1 = EventBatch.newBuilder().setVm("vm1").setSeq(3).setEvents(events()).build();
    EventColumns c = EventColumns.of(v1);
    assertThat(c.size()).isEqualTo(3);
    assertThat(c.event(1, null)).isEqualTo(events().get(1));
    assertThat(c.event(0, null).getHost()).isEqualTo("h1");
    assertThat(c.event(2, null).getGpa()).isNull();
  }

  @Test
  void eachFieldReadInPlaceIsTheEventsOwn() {
    EventColumns c = EventColumns.of(good());
    for (int i = 0; i < c.size(); i++) {
      TraceEvent e = events().get(i);
      assertThat(c.type(i)).isEqualTo(e.getType());
      assertThat(c.tsNs(i)).isEqualTo(e.getTsNs());
      assertThat(c.device(i)).isEqualTo(e.getDevice());
      assertThat(c.iova(i)).isEqualTo(e.getIova());
      assertThat(c.hasGpa(i)).isEqualTo(e.getGpa() != null);
      assertThat(c.gpa(i)).isEqualTo(e.getGpa() == null ? 0 : e.getGpa());
      assertThat(c.bytes(i)).isEqualTo(e.getBytes());
      assertThat(c.direction(i)).isEqualTo(e.getDirection());
      assertThat(c.callId(i)).isEqualTo(e.getCallId());
      assertThat(c.guestMemoryBytes(i)).isEqualTo(e.getGuestMemoryBytes());
      assertThat(c.host(i)).isEqualTo(e.getHost());
    }
    assertThat(c.host(1)).isEmpty();
    assertThatThrownBy(() -> c.gpa(3)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void aRangeAppendedIsEventForEventWhatAppendingOneByOneGives() {
    EventColumns batch = EventColumns.of(good());
    EventColumns oneByOne = new EventColumns();
    EventColumns ranges = new EventColumns();
    // Past the initial capacity, so the range append must grow the columns too.
    for (int round = 0; round < 8; round++) {
      for (int i = 1; i < batch.size(); i++) {
        oneByOne.add(batch, i);
      }
      ranges.addRange(batch, 1, batch.size());
      ranges.addRange(batch, 0, 0);
    }
    assertThat(ranges.size()).isEqualTo(16).isEqualTo(oneByOne.size());
    assertThat(ranges.events()).isEqualTo(oneByOne.events());
    assertThat(ranges.event(15, null)).isEqualTo(events().get(2));
    assertThatThrownBy(() -> ranges.addRange(batch, 2, 4))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void theWireFormIsSmallAndSharesOneDeviceEntry() {
    EventBatch b = good();
    assertThat(b.getEvents()).isEmpty();
    assertThat(b.getDevices()).containsExactly("", NIC);
    assertThat(b.getExtras()).hasSize(1);
    // iova == gpa costs one byte; the unmap carries no gpa at all.
    assertThat(b.getGpa().remaining()).isEqualTo(1);
  }

  @Test
  void aColumnCountThatDisagreesWithCountIsNamed() {
    EventBatch b = good();
    b.setCount(4);
    assertThatThrownBy(() -> EventColumns.of(b))
        .isInstanceOf(InvalidBatchException.class)
        .hasMessageContaining("field flags")
        .hasMessageContaining("3 bytes for 4 events");
  }

  @Test
  void aTruncatedVarintNamesItsEvent() {
    EventBatch b = good();
    b.setTsNs(cut(b.getTsNs(), 1));
    assertThatThrownBy(() -> EventColumns.of(b))
        .isInstanceOf(InvalidBatchException.class)
        .hasMessageContaining("field tsNs, event 2")
        .hasMessageContaining("ends inside");
  }

  @Test
  void aVarintLongerThanTenBytesIsRefused() {
    EventBatch b = good();
    byte[] eleven = new byte[11];
    java.util.Arrays.fill(eleven, (byte) 0x80);
    b.setCallId(java.nio.ByteBuffer.wrap(eleven));
    assertThatThrownBy(() -> EventColumns.of(b))
        .isInstanceOf(InvalidBatchException.class)
        .hasMessageContaining("field callId, event 0")
        .hasMessageContaining("bad varint");
  }

  @Test
  void trailingBytesAreRefused() {
    EventBatch b = good();
    b.setBytes(append(b.getBytes(), (byte) 2));
    assertThatThrownBy(() -> EventColumns.of(b))
        .isInstanceOf(InvalidBatchException.class)
        .hasMessageContaining("field bytes, event 3")
        .hasMessageContaining("left after");
  }

  @Test
  void anEventTypeIndexOutOfRangeIsNamed() {
    EventBatch b = good();
    byte[] flags = bytes(b.getFlags());
    flags[1] = (byte) ((flags[1] & 0xf0) | EventType.values().length);
    b.setFlags(ByteBuffer.wrap(flags));
    assertThatThrownBy(() -> EventColumns.of(b))
        .isInstanceOf(InvalidBatchException.class)
        .hasMessageContaining("field flags, event 1")
        .hasMessageContaining("EventType index 11");
  }

  @Test
  void anUnusedFlagBitIsRefused() {
    EventBatch b = good();
    byte[] flags = bytes(b.getFlags());
    flags[2] |= (byte) 0x80;
    b.setFlags(ByteBuffer.wrap(flags));
    assertThatThrownBy(() -> EventColumns.of(b))
        .hasMessageContaining("field flags, event 2")
        .hasMessageContaining("bit 7");
  }

  @Test
  void aDeviceIndexOutsideTheDictionaryIsNamed() {
    EventBatch b = good();
    b.setDevices(List.of(""));
    assertThatThrownBy(() -> EventColumns.of(b))
        .isInstanceOf(InvalidBatchException.class)
        .hasMessageContaining("field device, event 1")
        .hasMessageContaining("index 1 outside the 1 devices");
  }

  @Test
  void extrasOutOfOrderOrPastTheEndAreRefused() {
    EventBatch b = good();
    b.setExtras(List.of(new EventExtra(2, 1L, ""), new EventExtra(1, 1L, "")));
    assertThatThrownBy(() -> EventColumns.of(b)).hasMessageContaining("field extras, event 1");
    b.setExtras(List.of(new EventExtra(3, 1L, "")));
    assertThatThrownBy(() -> EventColumns.of(b)).hasMessageContaining("field extras, event 3");
  }

  @Test
  void aBatchWithBothFormsIsRefused() {
    EventBatch b = good();
    b.setEvents(events());
    assertThatThrownBy(() -> EventColumns.of(b))
        .hasMessageContaining("field count")
        .hasMessageContaining("one form only");
  }

  @Test
  void theSerdeTurnsBadColumnsIntoASerializationException() {
    EventBatch b = good();
    b.setIova(cut(b.getIova(), 1));
    byte[] wire = AvroSerde.of(EventBatch.class).serialize("t", b);
    assertThatThrownBy(() -> new EventColumnsSerde().deserialize("t", wire))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("vm1 seq 3, field iova");
  }

  @Test
  void theShippedVersionOneSchemaIsTheRealOne() {
    // Fingerprint of EventBatch.avsc as of commit d85481c: the schema of every version-1 record
    // ever written.
    assertThat(
            org.apache.avro.SchemaNormalization.parsingFingerprint64(KnownSchemas.EVENT_BATCH_V1))
        .isEqualTo(
            org.apache.avro.SchemaNormalization.parsingFingerprint64(
                new org.apache.avro.Schema.Parser()
                    .parse(
                        "{\"type\":\"record\",\"name\":\"EventBatch\",\"namespace\":\"io.coiommu.schema\",\"fields\":["
                            + "{\"name\":\"vm\",\"type\":\"string\"},{\"name\":\"seq\",\"type\":\"long\"},{\"name\":\"events\","
                            + "\"type\":{\"type\":\"array\",\"items\":"
                            + TraceEvent.getClassSchema()
                            + "}}]}")));
    assertThat(
            KnownSchemas.store()
                .findByFingerprint(
                    org.apache.avro.SchemaNormalization.parsingFingerprint64(
                        KnownSchemas.EVENT_BATCH_V1)))
        .isNotNull();
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  private static ByteBuffer cut(ByteBuffer b, int n) {
    byte[] all = bytes(b);
    return ByteBuffer.wrap(Arrays.copyOf(all, all.length - n));
  }

  private static ByteBuffer append(ByteBuffer b, byte extra) {
    byte[] all = bytes(b);
    byte[] out = Arrays.copyOf(all, all.length + 1);
    out[all.length] = extra;
    return ByteBuffer.wrap(out);
  }
}
