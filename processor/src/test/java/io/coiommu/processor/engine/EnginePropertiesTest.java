package io.coiommu.processor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.TraceEvent;
import io.coiommu.schema.WindowResult;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** Invariants of every scenario over random traces (see {@link RandomTrace}). */
class EnginePropertiesTest {

  /**
   * The defaults plus variants that make the rarer paths run often: small limits, gen 0 and 2,
   * pin-ahead, queue 4.
   */
  private static final List<Scenario> SCENARIOS = scenarios();

  private static final long GUEST_PAGES = RandomTrace.GUEST_BYTES / 4096;

  private static List<Scenario> scenarios() {
    List<Scenario> s = new ArrayList<>(ScenarioSpec.parse(ScenarioSpec.DEFAULTS));
    s.addAll(
        ScenarioSpec.parse(
            "coiommu,coiommu:unpin=lru,interval=1s,limit=3,gen=2,pinahead=4,"
                + "coiommu:unpin=lru,interval=2s,limit=unlimited,gen=0,lazy=off,smart=off,viommu-lazy:queue=4,timeout=5ms,"
                + "iopf,iopf:unpin=lru,interval=1s,limit=3,gen=2"));
    return s;
  }

  private static int index(String prefix) {
    for (int i = 0; i < SCENARIOS.size(); i++) {
      if (SCENARIOS.get(i).name().startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError(prefix);
  }

  @Property(tries = 300)
  void afterEveryEventPinnedCoversMappedOracleIsTheFloorAndStaticIsGuestMemory(
      @ForAll @Size(max = 300) List<Integer> ops) {
    List<TraceEvent> trace = RandomTrace.decode(ops);
    VmEmulator emu =
        new VmEmulator("vm", SCENARIOS, EngineConfig.defaults().withWindowNs(100_000_000L));
    Collected out = new Collected();
    int oracle = index("oracle");
    int statik = index("static");
    for (TraceEvent e : trace) {
      emu.onEvent(e, out);
      if (emu.finished()) {
        break;
      }
      long mapped = emu.mappedPages();
      for (int i = 0; i < SCENARIOS.size(); i++) {
        if (SCENARIOS.get(i).kind() == PolicyKind.IOPF) {
          // Pins on fault: a mapped page no device reached is not pinned (safety is checked at each
          // access).
          continue;
        }
        assertThat(emu.pinnedPages(i)).as(SCENARIOS.get(i).name()).isGreaterThanOrEqualTo(mapped);
        assertThat(emu.pinnedPages(oracle)).isLessThanOrEqualTo(emu.pinnedPages(i));
      }
      assertThat(emu.pinnedPages(oracle)).isEqualTo(mapped);
      assertThat(emu.pinnedPages(statik)).isEqualTo(GUEST_PAGES);
    }
    emu.finish(out);
    assertThat(out.windows).extracting(WindowResult::getDmaSafetyViolations).containsOnly(0L);
    assertThat(out.reasons()).doesNotContain(AnomalyReason.DMA_SAFETY_VIOLATION.name());
  }

  @Property(tries = 200)
  void recordsAreContiguousPerScenarioAndEndWithOneLastRecord(
      @ForAll @Size(max = 200) List<Integer> ops) {
    Collected out = run(RandomTrace.decode(ops), 1_000_000_000L);
    for (Scenario s : SCENARIOS) {
      List<WindowResult> w = out.of(s.name());
      for (int k = 1; k < w.size(); k++) {
        assertThat(w.get(k).getWindowStartNs()).isEqualTo(w.get(k - 1).getWindowEndNs());
        assertThat(w.get(k - 1).getLast()).isFalse();
      }
      assertThat(w.get(w.size() - 1).getLast()).isTrue();
      assertThat(w.get(w.size() - 1).getPinnedPages()).isZero();
      for (WindowResult r : w) {
        assertThat(r.getPeakPinnedPages()).isGreaterThanOrEqualTo(r.getPinnedPages());
        assertThat(r.getPeakMappedPages()).isGreaterThanOrEqualTo(r.getMappedPages());
        assertThat(r.getMapCallsNoExit()).isBetween(0L, r.getMapCalls());
        long len = r.getWindowEndNs() - r.getWindowStartNs();
        assertThat(r.getPinnedPageNanos()).isLessThanOrEqualTo(r.getPeakPinnedPages() * len);
      }
    }
  }

  @Property(tries = 200)
  void ablationsNeverNotifyLessThanTheDefaultCoiommu(@ForAll @Size(max = 300) List<Integer> ops) {
    Collected out = run(RandomTrace.decode(ops), 1_000_000_000L);
    List<Scenario> d = ScenarioSpec.parse(ScenarioSpec.DEFAULTS);
    long base = out.sum(d.get(4).name(), WindowResult::getNotifications);
    assertThat(out.sum(d.get(5).name(), WindowResult::getNotifications))
        .isGreaterThanOrEqualTo(base);
    assertThat(out.sum(d.get(6).name(), WindowResult::getNotifications))
        .isGreaterThanOrEqualTo(base);
  }

  @Property(tries = 100)
  void theSameTraceTwiceGivesIdenticalResults(@ForAll @Size(max = 300) List<Integer> ops) {
    List<TraceEvent> trace = RandomTrace.decode(ops);
    Collected a = run(trace, 1_000_000_000L);
    Collected b = run(trace, 1_000_000_000L);
    assertThat(b.windows).isEqualTo(a.windows);
    assertThat(b.anomalies).isEqualTo(a.anomalies);
  }

  @Property(tries = 100)
  void totalsDoNotDependOnTheWindowSize(@ForAll @Size(max = 200) List<Integer> ops) {
    List<TraceEvent> trace = RandomTrace.decode(ops);
    Collected a = run(trace, 1_000_000_000L);
    Collected b = run(trace, 3_000_000L);
    for (Scenario s : SCENARIOS) {
      String n = s.name();
      assertThat(b.sum(n, WindowResult::getPinnedPageNanos))
          .isEqualTo(a.sum(n, WindowResult::getPinnedPageNanos));
      assertThat(b.sum(n, WindowResult::getNotifications))
          .isEqualTo(a.sum(n, WindowResult::getNotifications));
      assertThat(b.sum(n, WindowResult::getUnpins)).isEqualTo(a.sum(n, WindowResult::getUnpins));
      assertThat(b.sum(n, WindowResult::getCpuCostNs))
          .isEqualTo(a.sum(n, WindowResult::getCpuCostNs));
      assertThat(b.sum(n, WindowResult::getAnomalies))
          .isEqualTo(a.sum(n, WindowResult::getAnomalies));
      assertThat(b.max(n, WindowResult::getPeakPinnedPages))
          .isEqualTo(a.max(n, WindowResult::getPeakPinnedPages));
    }
  }

  private static Collected run(List<TraceEvent> trace, long windowNs) {
    VmEmulator emu =
        new VmEmulator("vm", SCENARIOS, EngineConfig.defaults().withWindowNs(windowNs));
    Collected out = new Collected();
    for (TraceEvent e : trace) {
      emu.onEvent(e, out);
    }
    emu.finish(out);
    return out;
  }
}
