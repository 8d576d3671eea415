package io.coiommu.processor.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * An emulator restored from a snapshot, fed the rest of a trace, emits exactly what the
 * uninterrupted one does.
 */
class SnapshotTest {

  private static final List<Scenario> SCENARIOS = scenarios();
  private static final EngineConfig CONFIG = EngineConfig.defaults().withWindowNs(100_000_000L);

  private static List<Scenario> scenarios() {
    List<Scenario> s = new ArrayList<>(ScenarioSpec.parse(ScenarioSpec.DEFAULTS));
    s.addAll(
        ScenarioSpec.parse(
            "coiommu,coiommu:unpin=lru,interval=1s,limit=3,gen=2,pinahead=4,"
                + "coiommu:unpin=lru,interval=2s,limit=unlimited,gen=0,lazy=off,smart=off,viommu-lazy:queue=4,timeout=5ms,"
                + "iopf,iopf:unpin=lru,interval=1s,limit=3,gen=2"));
    return s;
  }

  @Property(tries = 200)
  void restoredEmulatorEmitsWhatTheUninterruptedOneDoes(
      @ForAll @Size(max = 300) List<Integer> ops,
      @ForAll @IntRange(min = 0, max = 1000) int cutAt,
      @ForAll @IntRange(min = 0, max = 1000) int secondCut) {
    List<TraceEvent> trace = RandomTrace.decode(ops);
    Collected reference = run(trace, List.of());
    Collected interrupted =
        run(trace, List.of(cutAt % (trace.size() + 1), secondCut % (trace.size() + 1)));
    assertThat(interrupted.windows).isEqualTo(reference.windows);
    assertThat(interrupted.anomalies).isEqualTo(reference.anomalies);
  }

  /** Moving trace time forward between events (the processor's watermark) changes no record. */
  @Property(tries = 200)
  void advancingTimeBetweenEventsChangesNothing(
      @ForAll @Size(max = 300) List<Integer> ops,
      @ForAll @IntRange(min = 0, max = 1000) int fraction) {
    List<TraceEvent> trace = RandomTrace.decode(ops);
    Collected reference = run(trace, List.of());
    VmEmulator emu = new VmEmulator("vm", SCENARIOS, CONFIG);
    Collected out = new Collected();
    long previous = Long.MIN_VALUE;
    for (TraceEvent e : trace) {
      if (previous != Long.MIN_VALUE && e.getTsNs() > previous) {
        emu.advanceTime(previous + (e.getTsNs() - previous) * fraction / 1000, out);
        emu.advanceTime(e.getTsNs(), out);
      }
      emu.onEvent(e, out);
      previous = Math.max(previous, e.getTsNs());
    }
    emu.finish(out);
    assertThat(out.windows).isEqualTo(reference.windows);
  }

  /**
   * Mid-window, with a queued lazy flush and both LRU lists populated, then restored twice in a
   * row.
   */
  @Test
  void pendingFlushesAndLruListsSurvive() {
    List<TraceEvent> trace = new ArrayList<>();
    trace.add(
        Trace.event(EventType.VM_START, 0).setGuestMemoryBytes(1L << 30).setHost("h").build());
    long ts = 0;
    for (int i = 0; i < 400; i++) {
      ts += 7_000_000L;
      long iova = 0x1000_0000L + (i % 40) * 0x10000L;
      if (i % 3 == 2) {
        trace.add(
            Trace.event(EventType.DMA_UNMAP, ts)
                .setDevice(Trace.NIC)
                .setIova(iova - 0x10000L)
                .build());
      } else {
        trace.add(
            Trace.event(EventType.DMA_MAP, ts)
                .setDevice(Trace.NIC)
                .setIova(iova)
                .setGpa((i % 50) * 8192L)
                .setBytes(6000)
                .build());
      }
    }
    trace.add(Trace.event(EventType.VM_STOP, ts + 1).build());
    Collected reference = run(trace, List.of());
    assertThat(reference.windows).hasSizeGreaterThan(20 * SCENARIOS.size());
    for (int cut = 1; cut < trace.size(); cut += 37) {
      assertThat(run(trace, List.of(cut, cut)).windows)
          .as("cut at %d", cut)
          .isEqualTo(reference.windows);
    }
  }

  @Test
  void aSnapshotOfOtherScenariosIsRefused() {
    VmEmulator e = new VmEmulator("vm", SCENARIOS, CONFIG);
    e.onEvent(
        Trace.event(EventType.VM_START, 0).setGuestMemoryBytes(1L << 30).build(), new Collected());
    byte[] snapshot = e.snapshot();
    assertThatThrownBy(
            () -> VmEmulator.restore("vm", ScenarioSpec.parse("oracle"), CONFIG, snapshot))
        .hasMessageContaining("another application id");
  }

  /**
   * State follows the DMA working set: a 1 TiB guest mapping 100 MiB snapshots to what a 1 GiB
   * guest does.
   */
  @Test
  void snapshotSizeFollowsTheWorkingSetNotGuestMemory() {
    byte[] small = snapshotAfterMapping(1L << 30, 100L << 20);
    // At least the bitmap of the 25 600 mapped pages.
    assertThat(small.length).isGreaterThan(25_600 / 8);
    assertThat(snapshotAfterMapping(1L << 40, 100L << 20)).hasSameSizeAs(small);
    VmEmulator statik = new VmEmulator("vm", ScenarioSpec.parse("static"), CONFIG);
    statik.onEvent(
        Trace.event(EventType.VM_START, 0).setGuestMemoryBytes(1L << 40).build(), new Collected());
    assertThat(statik.snapshot().length).isLessThan(1024);
  }

  private static byte[] snapshotAfterMapping(long guestBytes, long mappedBytes) {
    VmEmulator e = new VmEmulator("vm", SCENARIOS, CONFIG);
    Collected out = new Collected();
    e.onEvent(Trace.event(EventType.VM_START, 0).setGuestMemoryBytes(guestBytes).build(), out);
    for (long off = 0; off < mappedBytes; off += 1L << 20) {
      e.onEvent(
          Trace.event(EventType.DMA_MAP, 1000 + off)
              .setDevice(Trace.NIC)
              .setIova(off)
              .setGpa((1L << 29) + off)
              .setBytes(1L << 20)
              .build(),
          out);
    }
    return e.snapshot();
  }

  /**
   * Runs the trace, replacing the emulator by a restored copy of itself before each event index in
   * {@code cuts}.
   */
  private static Collected run(List<TraceEvent> trace, List<Integer> cuts) {
    VmEmulator emu = new VmEmulator("vm", SCENARIOS, CONFIG);
    Collected out = new Collected();
    for (int i = 0; i <= trace.size(); i++) {
      for (int cut : cuts) {
        if (cut == i) {
          emu = VmEmulator.restore("vm", SCENARIOS, CONFIG, emu.snapshot());
        }
      }
      if (i < trace.size()) {
        emu.onEvent(trace.get(i), out);
      }
    }
    emu.finish(out);
    return out;
  }
}
