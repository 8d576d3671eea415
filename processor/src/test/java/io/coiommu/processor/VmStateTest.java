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
