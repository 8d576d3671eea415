package io.coiommu.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coiommu.processor.engine.EmulationSink;
import io.coiommu.processor.engine.EngineConfig;
import io.coiommu.processor.engine.ScenarioSpec;
import io.coiommu.schema.Anomaly;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import io.coiommu.schema.WindowResult;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The held events survive the state's round trip, in the current format and in the previous one.
 */
class VmStateTest {

  private static final ProcessorConfig CONFIG =
      new ProcessorConfig(ScenarioSpec.parse("oracle"), EngineConfig.defaults());

  private static List<TraceEvent> events() {
    return List.of(
        TraceEvent.newBuilder()
            .setType(EventType.VM_START)
            .setTsNs(10)
            .setGuestMemoryBytes(1L << 30)
            .setHost("h")
            .build(),
        TraceEvent.newBuilder()
            .setType(EventType.DMA_MAP)
            .setTsNs(20)
            .setDevice("0000:03:00.0")
            .setIova(0x1000)
            .setGpa(0x1000L)
            .setBytes(4096)
            .setCallId(1)
            .build(),
        TraceEvent.newBuilder()
            .setType(EventType.DMA_UNMAP)
            .setTsNs(30)
            .setDevice("0000:03:00.0")
            .setIova(0x1000)
            .setBytes(4096)
            .build(),
        TraceEvent.newBuilder().setType(EventType.VM_STOP).setTsNs(40).build());
  }

  /**
   * Releases everything the state holds (the events end with VM_STOP) and returns what the emulator
   * emitted.
   */
  private static List<Object> drain(VmState s) {
    List<Object> out = new ArrayList<>();
    s.releaseAll("vm", CONFIG, sinkInto(out));
    return out;
  }

  private static VmState holding(List<TraceEvent> events) {
    VmState s = new VmState();
    EventColumns batch = EventColumns.of(EventColumns.encode("vm", 0, events));
    for (int i = 0; i < batch.size(); ) {
      i = s.hold(batch, i, "vm", CONFIG, null);
    }
    return s;
  }

  @Test
  void heldEventsSurviveTheCurrentFormat() {
    VmState s = holding(events());
    s.nextSeq = 5;
    s.nextIndex = 123_456;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    s.writeTo("vm", bytes);
    VmState back = VmState.fromBytes("vm", CONFIG, bytes.toByteArray());
    assertThat(back.nextSeq).isEqualTo(5);
    assertThat(back.nextIndex).isEqualTo(123_456);
    assertThat(back.maxTsNs).isEqualTo(40);
    assertThat(drain(back)).isEqualTo(drain(holding(events()))).isNotEmpty();
  }

  @Test
  void holdingStopsRightAfterAVmStopAndPutsOutOfOrderEventsInPlace() {
    List<TraceEvent> twice = new ArrayList<>(events());
    // The map comes after the unmap it precedes in time; a second life of the VM follows its stop.
    twice.set(1, events().get(2));
    twice.set(2, events().get(1));
    for (TraceEvent e : events()) {
      twice.add(TraceEvent.newBuilder(e).setTsNs(e.getTsNs() + 100).build());
    }
    EventColumns batch = EventColumns.of(EventColumns.encode("vm", 0, twice));
    VmState s = new VmState();
    assertThat(s.hold(batch, 0, "vm", CONFIG, null)).isEqualTo(4);
    assertThat(s.maxTsNs).isEqualTo(40);
    assertThat(drain(s)).isEqualTo(drain(holding(events()))).isNotEmpty();
    assertThat(s.hold(batch, 4, "vm", CONFIG, null)).isEqualTo(8);
    assertThat(s.maxTsNs).isEqualTo(140);
  }

  @Test
  void aLargeBatchLeavesOnlyRoomForWhatStaysHeld() {
    List<TraceEvent> many = new ArrayList<>();
    many.add(events().get(0));
    for (int i = 1; i <= 5000; i++) {
      many.add(TraceEvent.newBuilder().setType(EventType.BALLOON_INFLATE).setTsNs(i).build());
    }
    EventColumns batch = EventColumns.of(EventColumns.encode("vm", 0, many));
    VmState s = new VmState();
    assertThat(s.hold(batch, 0, "vm", CONFIG, null)).isEqualTo(many.size());
    assertThat(s.heldCapacity()).isGreaterThanOrEqualTo(many.size());
    List<Object> out = new ArrayList<>();
    s.release(4990, "vm", CONFIG, sinkInto(out));
    // Ten events stay held (4991..5000); the buffer shrinks to a small one holding them.
    assertThat(s.heldCapacity()).isLessThan(100);
    s.release(5000, "vm", CONFIG, sinkInto(out));
    assertThat(s.heldCapacity()).isLessThan(100);
    assertThat(out).isNotEmpty();
  }

  /**
   * Taking an in-order batch without holding it is only a shortcut: over a VM's stream with events
   * out of order within the bound, late ones and a stop, cut into batches of every size, the
   * records and the state after each batch are those of holding every event and releasing.
   */
  @Test
  void takingInOrderGivesWhatHoldingAndReleasingGives() {
    ProcessorConfig config =
        new ProcessorConfig(
            ScenarioSpec.parse(ScenarioSpec.DEFAULTS),
            EngineConfig.defaults().withWindowNs(5_000_000L),
            2_000_000L);
    Random random = new Random(7);
    List<TraceEvent> stream = new ArrayList<>(events().subList(0, 1));
    long ts = 10;
    for (int i = 0; i < 20_000; i++) {
      ts += random.nextInt(200_000);
      long iova = 0x10000L * random.nextInt(64);
      // Now and then an event comes 0.5-1.5 ms early: out of order within the 2 ms bound, or, after
      // a release, late.
      long at = random.nextInt(50) == 0 ? ts - 500_000 - random.nextInt(1_000_000) : ts;
      stream.add(
          TraceEvent.newBuilder()
              .setType(random.nextBoolean() ? EventType.DMA_MAP : EventType.DMA_UNMAP)
              .setTsNs(Math.max(11, at))
              .setDevice("0000:03:00.0")
              .setIova(iova)
              .setGpa(iova)
              .setBytes(4096L << random.nextInt(4))
              .setCallId(i)
              .build());
    }
    stream.add(TraceEvent.newBuilder().setType(EventType.VM_STOP).setTsNs(ts + 1).build());

    VmState taking = new VmState();
    VmState holding = new VmState();
    List<Object> taken = new ArrayList<>();
    List<Object> held = new ArrayList<>();
    int shortcuts = 0;
    int batches = 0;
    for (int from = 0; from < stream.size(); batches++) {
      int to = Math.min(stream.size(), from + 1 + random.nextInt(random.nextBoolean() ? 8 : 800));
      EventColumns batch =
          EventColumns.of(EventColumns.encode("vm", batches, stream.subList(from, to)));
      if (taking.takeInOrder(batch, 0, "vm", config, sinkInto(taken))) {
        shortcuts++;
      } else {
        holdAll(taking, batch, config, taken);
      }
      holdAll(holding, batch, config, held);
      assertThat(taken).as("records after batch %d", batches).isEqualTo(held);
      assertThat(bytes(taking)).as("state after batch %d", batches).isEqualTo(bytes(holding));
      from = to;
    }
    assertThat(taken).hasSizeGreaterThan(100);
    assertThat(taken).hasAtLeastOneElementOfType(Anomaly.class);
    assertThat(shortcuts).isBetween(batches / 10, batches - batches / 10);
  }

  /** What the processor does with a batch it cannot take in order: hold every event, release. */
  private static void holdAll(
      VmState s, EventColumns batch, ProcessorConfig config, List<Object> out) {
    for (int i = 0; i < batch.size(); ) {
      i = s.hold(batch, i, "vm", config, sinkInto(out));
      if (batch.type(i - 1) == EventType.VM_STOP && batch.tsNs(i - 1) >= s.frontierNs) {
        s.releaseAll("vm", config, sinkInto(out));
      }
    }
    s.release(
        VmState.saturatedMinus(s.maxTsNs, config.reorderBoundNs()), "vm", config, sinkInto(out));
  }

  private static byte[] bytes(VmState s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s.writeTo("vm", out);
    return out.toByteArray();
  }

  private static EmulationSink sinkInto(List<Object> out) {
    return new EmulationSink() {
      @Override
      public void window(WindowResult r) {
        out.add(r);
      }

      @Override
      public void anomaly(Anomaly a) {
        out.add(a);
      }
    };
  }

  @Test
  void heldEventsOfTheFormatBeforeColumnsAreStillRead() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(VmState.FORMAT_EVENT_RECORDS);
      out.writeLong(5);
      out.writeLong(40);
      out.writeLong(Long.MIN_VALUE);
      out.writeInt(events().size());
      for (TraceEvent e : events()) {
        ByteBuffer b = e.toByteBuffer();
        out.writeInt(b.remaining());
        out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
      }
      out.writeBoolean(false);
    }
    VmState back = VmState.fromBytes("vm", CONFIG, bytes.toByteArray());
    assertThat(back.nextSeq).isEqualTo(5);
    assertThat(back.nextIndex)
        .as("written before events had indexes")
        .isEqualTo(VmState.INDEX_UNKNOWN);
    assertThat(drain(back)).isEqualTo(drain(holding(events()))).isNotEmpty();
  }

  @Test
  void anUnknownFormatIsRefusedWithItsNumber() {
    byte[] bytes = ByteBuffer.allocate(4).putInt(2).array();
    assertThatThrownBy(() -> VmState.fromBytes("vm", CONFIG, bytes))
        .hasMessageContaining("state format 2");
  }
}
