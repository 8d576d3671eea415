package io.coiommu.processor.engine;

import static io.coiommu.processor.engine.Trace.S;
import static io.coiommu.processor.engine.Trace.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The emulator's entry for a batch's columns ({@link VmEmulator#onEvents}) and its entry for event
 * records are one path: the same events give the same records and anomalies (anomalies carry the
 * event as the trace gave it), whatever the pieces a batch is fed in.
 */
class BatchEntryTest {

  private static final long GIB = 1L << 30;
  private static final long PAGE = 4096;
  private static final String SPEC =
      "static,coiommu:unpin=lru,interval=10s,limit=8192,gen=10,oracle,iopf";

  /** Every kind of event and of nonsense the engine tells apart, and events after the stop. */
  private static Trace mixed() {
    Trace t = new Trace();
    t.map(0, 0x1000, PAGE, 1); // before VM_START
    t.start(1 * S, GIB);
    t.start(1 * S, GIB);
    t.map(2 * S, 0x10000, 0, 2);
    t.add(event(EventType.DMA_MAP, 2 * S).setDevice(Trace.NIC).setIova(5).setBytes(PAGE).build());
    t.map(2 * S, 1L << 50, PAGE, 3);
    t.mapPages(2 * S, 0x40000, 8, 10);
    t.map(2 * S, 0x40000, PAGE, 20); // double map
    t.mapAt(2 * S, 0x900000, 0x80000, 3 * PAGE, 21);
    t.access(3 * S, 0x40000, 2 * PAGE);
    t.access(3 * S, 0x70000, PAGE); // unmapped
    t.inflate(3 * S, 0x100000, 16 * PAGE);
    t.add(event(EventType.BALLOON_DEFLATE, 3 * S).setGpa(0x100000L).setBytes(16 * PAGE).build());
    t.unmapPages(4 * S, 0x40000, 4, 30);
    t.unmap(4 * S, 0x99000, 40); // unknown iova
    t.add(
        event(EventType.DMA_UNMAP, 4 * S)
            .setDevice(Trace.NIC)
            .setIova(0x900000 + PAGE)
            .setBytes(PAGE)
            .setCallId(41)
            .build()); // by range, inside a mapping
    t.add(event(EventType.IO_PAGE_FAULT, 5 * S).setDevice(Trace.NIC).setIova(0x1000).build());
    t.add(event(EventType.UNKNOWN, 5 * S).build());
    t.map(1 * S, 0x20000, PAGE, 50); // out of order
    t.stop(30 * S);
    t.map(31 * S, 0x30000, PAGE, 51); // after the stop
    t.start(32 * S, GIB);
    return t;
  }

  private static EventColumns columnsOf(List<TraceEvent> events) {
    // Through the wire form, as a processor decodes a batch.
    return EventColumns.of(EventColumns.encode("vm-1", 0, events));
  }

  @Test
  void columnsFedInAnyPiecesGiveWhatTheRecordsGive() {
    Trace t = mixed();
    Collected records = t.run(SPEC);
    assertThat(records.anomalies).hasSizeGreaterThan(10);
    EventColumns columns = columnsOf(t.events);
    for (int piece : new int[] {1, 2, 7, columns.size()}) {
      Collected out = new Collected();
      VmEmulator emu = new VmEmulator("vm-1", ScenarioSpec.parse(SPEC), EngineConfig.defaults());
      for (int i = 0; i < columns.size(); ) {
        i = emu.onEvents(columns, i, Math.min(columns.size(), i + piece), out);
      }
      emu.finish(out);
      assertThat(out.windows).as("pieces of %d", piece).isEqualTo(records.windows);
      assertThat(out.anomalies).as("pieces of %d", piece).isEqualTo(records.anomalies);
    }
  }

  @Test
  void aBatchStopsRightAfterItsVmStopSoTheRestGoesToANewEmulator() {
    Trace t = new Trace().start(0, GIB).map(1 * S, 0x1000, PAGE, 1).stop(2 * S).start(3 * S, GIB);
    t.map(4 * S, 0x1000, PAGE, 2);
    EventColumns columns = columnsOf(t.events);
    Collected out = new Collected();
    VmEmulator first = new VmEmulator("vm-1", ScenarioSpec.parse(SPEC), EngineConfig.defaults());

    assertThat(first.onEvents(columns, 0, columns.size(), out)).isEqualTo(3);
    assertThat(first.finished()).isTrue();

    VmEmulator next = new VmEmulator("vm-1", ScenarioSpec.parse(SPEC), EngineConfig.defaults());
    assertThat(next.onEvents(columns, 3, columns.size(), out)).isEqualTo(columns.size());
    assertThat(next.finished()).isFalse();
    assertThat(next.mappedPages()).isEqualTo(1);
    assertThat(out.anomalies).isEmpty();
  }

  @Test
  void aLateEventOfABatchIsReportedAsItsRecordIs() {
    Trace t = new Trace().start(0, GIB).map(1 * S, 0x1000, PAGE, 7);
    EventColumns columns = columnsOf(t.events);
    Collected fromColumns = new Collected();
    Collected fromRecord = new Collected();
    VmEmulator a = new VmEmulator("vm-1", ScenarioSpec.parse(SPEC), EngineConfig.defaults());
    VmEmulator b = new VmEmulator("vm-1", ScenarioSpec.parse(SPEC), EngineConfig.defaults());
    a.onEvents(columns, 0, 1, fromColumns);
    b.onEvent(t.events.get(0), fromRecord);

    a.late(columns, 1, 2 * S, fromColumns);
    b.late(t.events.get(1), 2 * S, fromRecord);

    assertThat(fromColumns.reasons()).containsExactly("LATE_EVENT");
    assertThat(fromColumns.anomalies).isEqualTo(fromRecord.anomalies);
    assertThat(fromColumns.anomalies.get(0).getEvent()).isEqualTo(t.events.get(1));
  }
}
