package io.coiommu.schema;

import static io.coiommu.schema.EventBatchReaderTest.assertSameColumns;
import static io.coiommu.schema.EventBatchReaderTest.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The rules of recycling decoded columns (EventColumns.recycle, ColumnSpares): a record decoded
 * into a recycled batch's arrays reads exactly as one decoded into fresh arrays, whatever the
 * earlier batch held; a recycled batch cannot be used again; the spares stay on their thread and
 * bounded; a consumer that never recycles gets batches that stay as they were decoded.
 */
class EventColumnsRecycleTest {

  private static final String TOPIC = "trace-t";
  private static final AvroSerde<EventBatch> AVRO = AvroSerde.of(EventBatch.class);

  private static byte[] record(String vm, long seq, long firstIndex, List<TraceEvent> events) {
    return AVRO.serialize(TOPIC, EventColumns.encode(vm, seq, firstIndex, events));
  }

  private static List<TraceEvent> withExtras(List<TraceEvent> events) {
    List<TraceEvent> out = new ArrayList<>(events);
    for (int i = 0; i < out.size(); i += 3) {
      out.set(
          i,
          TraceEvent.newBuilder(out.get(i))
              .setHost("host-" + i)
              .setGuestMemoryBytes(1L << 30)
              .setGpa(out.get(i).getIova() + 4096)
              .build());
    }
    return out;
  }

  private static List<TraceEvent> withoutRareFields(List<TraceEvent> events) {
    List<TraceEvent> out = new ArrayList<>();
    for (TraceEvent e : events) {
      out.add(TraceEvent.newBuilder(e).setHost("").setGuestMemoryBytes(0).setGpa(null).build());
    }
    return out;
  }

  @Test
  void aRecordDecodedIntoRecycledArraysReadsAsOneDecodedFresh() {
    SplittableRandom rnd = new SplittableRandom(24);
    ColumnSpares spares = new ColumnSpares();
    int reused = 0;
    // Every kind of batch after every other: extras and gpas where the next has none, larger and
    // smaller batches, in turn.
    for (int round = 0; round < 60; round++) {
      int n = new int[] {4096, 1, 300, 0, 2000, 17}[round % 6];
      List<TraceEvent> events = events(rnd, n, 1 + rnd.nextInt(5), round % 4 == 1);
      List<TraceEvent> shaped =
          switch (round % 3) {
            case 0 -> withExtras(events);
            case 1 -> withoutRareFields(events);
            default -> events;
          };
      byte[] record = record("vm-" + round, round, round % 2 == 0 ? -1 : round * 10L, shaped);
      boolean spare = spares.size() > 0;
      EventColumns decoded = EventBatchReader.read(record, spares);
      EventColumns fresh = EventBatchReader.read(record);
      assertSameColumns(decoded, fresh);
      assertThat(decoded.toBatch(decoded.vm(), decoded.seq(), decoded.firstIndex()))
          .isEqualTo(fresh.toBatch(fresh.vm(), fresh.seq(), fresh.firstIndex()));
      if (spare && spares.size() == 0 && decoded.capacity() > n) {
        reused++;
      }
      decoded.recycle();
      assertThat(spares.size()).isEqualTo(1);
    }
    assertThat(reused).as("records decoded into a spare larger than they need").isGreaterThan(30);
  }

  @Test
  void aSpareTooSmallIsDroppedAndTheRecordGetsArraysOfItsSize() {
    SplittableRandom rnd = new SplittableRandom(3);
    ColumnSpares spares = new ColumnSpares();
    EventBatchReader.read(record("vm", 0, -1, events(rnd, 10, 2, false)), spares).recycle();
    assertThat(spares.size()).isEqualTo(1);
    byte[] large = record("vm", 1, -1, events(rnd, 500, 2, false));
    EventColumns decoded = EventBatchReader.read(large, spares);
    assertThat(spares.size()).isZero();
    assertThat(decoded.capacity()).isEqualTo(500);
    assertSameColumns(decoded, EventBatchReader.read(large));
  }

  @Test
  void aBatchChangedAfterDecodingHandsOnColumnsWithTheDefaults() {
    SplittableRandom rnd = new SplittableRandom(5);
    ColumnSpares spares = new ColumnSpares();
    EventColumns changed =
        EventBatchReader.read(record("vm", 0, -1, events(rnd, 100, 2, false)), spares);
    EventColumns other = new EventColumns();
    withExtras(events(rnd, 50, 2, false)).forEach(other::add);
    changed.removeFirst(40);
    changed.addRange(other, 0, 50);
    changed.insert(3, other, 0);
    changed.recycle();
    byte[] plain = record("vm", 1, -1, withoutRareFields(events(rnd, 120, 2, false)));
    EventColumns decoded = EventBatchReader.read(plain, spares);
    assertThat(spares.size()).as("the spare was taken").isZero();
    assertSameColumns(decoded, EventBatchReader.read(plain));
  }

  @Test
  void aRecycledBatchFailsOnEveryUseAndIsNotTheNextRecordsBatch() {
    SplittableRandom rnd = new SplittableRandom(7);
    ColumnSpares spares = new ColumnSpares();
    EventColumns first =
        EventBatchReader.read(record("vm1", 4, 40, events(rnd, 20, 2, false)), spares);
    first.recycle();
    EventColumns second =
        EventBatchReader.read(record("vm2", 5, 60, events(rnd, 20, 2, false)), spares);
    assertThat(second).isNotSameAs(first);
    assertThat(second.vm()).isEqualTo("vm2");
    EventColumns buffer = new EventColumns();
    assertThatThrownBy(first::size).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(first::vm).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(first::seq).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(first::firstIndex).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(first::events).isInstanceOf(IllegalStateException.class);
    // An event's accessors find the batch's columns gone.
    assertThatThrownBy(() -> first.tsNs(0)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> first.device(0)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> first.event(0, null)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> first.toBatch("vm1", 4)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> buffer.addRange(first, 0, 1))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> buffer.addRange(first, 0, 0)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(first::recycle).isInstanceOf(IllegalStateException.class);
    assertThat(spares.size()).as("a second recycle hands nothing on").isZero();
  }

  @Test
  void theSparesAreBoundedAndStayOnTheirThread() throws Exception {
    SplittableRandom rnd = new SplittableRandom(8);
    ColumnSpares spares = new ColumnSpares();
    List<EventColumns> alive = new ArrayList<>();
    for (int k = 0; k < ColumnSpares.MAX + 3; k++) {
      alive.add(EventBatchReader.read(record("vm", k, -1, events(rnd, 30, 2, false)), spares));
    }
    alive.forEach(EventColumns::recycle);
    assertThat(spares.size()).isEqualTo(ColumnSpares.MAX);

    ColumnSpares mine = new ColumnSpares();
    EventColumns decodedHere =
        EventBatchReader.read(record("vm", 0, -1, events(rnd, 30, 2, false)), mine);
    CompletableFuture.runAsync(decodedHere::recycle).get();
    assertThat(mine.size()).as("recycled on another thread").isZero();
  }

  @Test
  void aRecordThatFailsToDecodeDropsTheSpareItTook() {
    SplittableRandom rnd = new SplittableRandom(9);
    ColumnSpares spares = new ColumnSpares();
    byte[] good = record("vm", 0, -1, withExtras(events(rnd, 200, 3, false)));
    EventBatchReader.read(good, spares).recycle();
    // Extras are applied once the columns are decoded: the last one, past the batch's end, fails
    // after the others were written into the spare.
    EventBatch b = EventColumns.encode("vm", 1, -1, withExtras(events(rnd, 100, 3, false)));
    List<EventExtra> extras = new ArrayList<>(b.getExtras());
    extras.add(EventExtra.newBuilder().setIndex(150).setGuestMemoryBytes(1).setHost("x").build());
    b.setExtras(extras);
    byte[] corrupt = AVRO.serialize(TOPIC, b);
    assertThatThrownBy(() -> EventBatchReader.read(corrupt, spares))
        .isInstanceOf(InvalidBatchException.class)
        .hasMessageContaining("extras");
    assertThat(spares.size()).isZero();
    byte[] next = record("vm", 1, -1, withoutRareFields(events(rnd, 150, 3, false)));
    assertSameColumns(EventBatchReader.read(next, spares), EventBatchReader.read(next));
  }

  @Test
  void withoutRecyclingEveryRecordKeepsColumnsOfItsOwn() {
    SplittableRandom rnd = new SplittableRandom(10);
    EventColumnsSerde serde = new EventColumnsSerde();
    List<byte[]> records = new ArrayList<>();
    List<EventColumns> decoded = new ArrayList<>();
    for (int k = 0; k < 10; k++) {
      records.add(record("vm", k, -1, withExtras(events(rnd, 100 + k, 3, false))));
      decoded.add(serde.deserialize(TOPIC, records.get(k)));
    }
    for (int k = 0; k < 10; k++) {
      assertSameColumns(decoded.get(k), EventBatchReader.read(records.get(k)));
    }
  }

  @Test
  void theSerdeDecodesIntoTheArraysItsThreadRecycled() {
    SplittableRandom rnd = new SplittableRandom(11);
    EventColumnsSerde serde = new EventColumnsSerde();
    byte[] a = record("vm", 0, -1, withExtras(events(rnd, 300, 3, false)));
    byte[] b = record("vm", 1, -1, withoutRareFields(events(rnd, 100, 3, false)));
    EventColumns first = serde.deserialize(TOPIC, a);
    first.recycle();
    EventColumns second = serde.deserialize(TOPIC, b);
    assertThat(second.capacity()).as("the first record's arrays").isEqualTo(300);
    assertSameColumns(second, EventBatchReader.read(b));
  }

  @Test
  void recyclingABufferOrAnAvroDecodedBatchOnlyReleasesIt() {
    EventColumns buffer = new EventColumns();
    buffer.add(TraceEvent.newBuilder().setType(EventType.VM_START).setTsNs(1).build());
    buffer.recycle();
    assertThatThrownBy(buffer::size).isInstanceOf(IllegalStateException.class);
    EventColumns ofAvro =
        EventColumns.of(
            EventColumns.encode("vm", 0, -1, events(new SplittableRandom(12), 5, 1, false)));
    ofAvro.recycle();
    assertThatThrownBy(ofAvro::size).isInstanceOf(IllegalStateException.class);
  }
}
