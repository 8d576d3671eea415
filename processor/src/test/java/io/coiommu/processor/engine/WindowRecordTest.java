package io.coiommu.processor.engine;

import static io.coiommu.processor.engine.Trace.MS;
import static io.coiommu.processor.engine.Trace.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.WindowResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowRecordTest {

  private static final long GIB = 1L << 30;
  private static final long PAGE = 4096;

  @Test
  void idleWindowsShareOneRecordAndRecordsAreContiguousAndAligned() {
    // Start at 0.5 s, map at 1.2 s, then a second map at 50.5 s and nothing until the stop at 100.3
    // s (strict has no
    // timers): [0.5, 1) start, [1, 2) map, [2, 50) idle, [50, 51) map, [51, 100.3] idle then stop =
    // 5 records.
    Collected c =
        new Trace()
            .start(500 * MS, GIB)
            .map(1200 * MS, 0x10000, 2 * PAGE, 1)
            .map(50_500 * MS, 0x20000, PAGE, 2)
            .stop(100_300 * MS)
            .run("viommu-strict");
    List<WindowResult> w = c.of("viommu-strict");
    assertThat(w)
        .extracting(WindowResult::getWindowStartNs)
        .containsExactly(500 * MS, 1 * S, 2 * S, 50 * S, 51 * S);
    assertThat(w)
        .extracting(WindowResult::getWindowEndNs)
        .containsExactly(1 * S, 2 * S, 50 * S, 51 * S, 100_300 * MS);
    assertThat(w)
        .extracting(WindowResult::getLast)
        .containsExactly(false, false, false, false, true);
    WindowResult idle = w.get(2);
    assertThat(idle.getPinnedPages()).isEqualTo(2);
    assertThat(idle.getPeakPinnedPages()).isEqualTo(2);
    assertThat(idle.getPinnedPageNanos()).isEqualTo(2 * 48 * S);
    assertThat(idle.getAvgPinnedBytes()).isEqualTo(2.0 * PAGE);
    assertThat(idle.getExits()).isZero();
    assertThat(idle.getHost()).isEqualTo("host-a");
    assertThat(idle.getGuestBytes()).isEqualTo(GIB);
    // The first map window: 2 pages for 0.8 s.
    assertThat(w.get(1).getPinnedPageNanos()).isEqualTo(2 * 800 * MS);
    assertThat(w.get(1).getAvgPinnedBytes()).isEqualTo(2 * PAGE * 0.8);
    // The last record: 3 pages for 49.3 s, then everything released at its end.
    WindowResult last = w.get(4);
    assertThat(last.getPinnedPageNanos()).isEqualTo(3 * 49_300 * MS);
    assertThat(last.getPeakPinnedPages()).isEqualTo(3);
    assertThat(last.getPinnedPages()).isZero();
    assertThat(last.getUnpins()).isEqualTo(3);
  }

  @Test
  void recordsComeByWindowThenScenarioInTheOrderGiven() {
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x10000, PAGE, 1)
            .stop(2 * S + 1)
            .run("oracle,static,viommu-strict");
    assertThat(c.windows)
        .extracting(r -> r.getScenario() + "@" + r.getWindowStartNs() / MS)
        .containsExactly(
            "oracle@0",
            "static@0",
            "viommu-strict@0",
            "oracle@1000",
            "static@1000",
            "viommu-strict@1000",
            "oracle@2000",
            "static@2000",
            "viommu-strict@2000");
  }

  @Test
  void lruScansDuringAnOtherwiseIdleStretchGetTheirOwnRecords() {
    // Pages mapped at 1 s stay mapped (a ring): every 10 s scan visits them, so records at 10, 20,
    // ... exist, and
    // between them the idle windows are merged.
    String spec = "coiommu:unpin=lru,interval=10s,limit=8192,gen=10";
    Collected c = new Trace().start(0, GIB).map(1 * S, 0x10000, PAGE, 1).stop(35 * S).run(spec);
    assertThat(c.of(spec))
        .extracting(WindowResult::getWindowStartNs)
        .containsExactly(0L, 1 * S, 2 * S, 10 * S, 11 * S, 20 * S, 21 * S, 30 * S, 31 * S);
    // The stop at 35 s, on a window boundary, ends the idle stretch [31, 35] as the last record.
    assertThat(c.of(spec).get(8).getWindowEndNs()).isEqualTo(35 * S);
    assertThat(c.of(spec).get(8).getLast()).isTrue();
    assertThat(c.at(spec, 10 * S).getCpuCostNs()).isEqualTo(50);
  }

  @Test
  void finishWithoutStopReleasesAtTheLastEvent() {
    Trace t = new Trace().start(0, GIB).map(1500 * MS, 0x10000, PAGE, 1);
    Collected c = new Collected();
    VmEmulator emu = new VmEmulator("vm-1", ScenarioSpec.parse("oracle"), EngineConfig.defaults());
    t.events.forEach(e -> emu.onEvent(e, c));
    assertThat(emu.finished()).isFalse();
    emu.finish(c);
    assertThat(emu.finished()).isTrue();
    WindowResult last = c.windows.get(c.windows.size() - 1);
    assertThat(last.getLast()).isTrue();
    assertThat(last.getWindowEndNs()).isEqualTo(1500 * MS);
    assertThat(last.getUnpins()).isEqualTo(1);
    emu.finish(c);
    assertThat(c.windows).hasSize(2);
  }

  @Test
  void smallerWindowsGiveTheSameTotals() {
    Trace t = new Trace().start(0, GIB);
    for (int i = 0; i < 50; i++) {
      t.map(i * 37 * MS, 0x100000 + (i % 7) * PAGE, 2 * PAGE, 1 + 2 * i);
      t.unmap(i * 37 * MS + 5 * MS, 0x100000 + (i % 7) * PAGE, 2 + 2 * i);
    }
    t.stop(40 * S);
    String spec = ScenarioSpec.DEFAULTS;
    Collected big = t.run(spec);
    Collected small = t.run(spec, EngineConfig.defaults().withWindowNs(7 * MS));
    for (Scenario s : ScenarioSpec.parse(spec)) {
      String n = s.name();
      assertThat(small.sum(n, WindowResult::getNotifications))
          .isEqualTo(big.sum(n, WindowResult::getNotifications));
      assertThat(small.sum(n, WindowResult::getPinnedPageNanos))
          .isEqualTo(big.sum(n, WindowResult::getPinnedPageNanos));
      assertThat(small.sum(n, WindowResult::getCpuCostNs))
          .isEqualTo(big.sum(n, WindowResult::getCpuCostNs));
      assertThat(small.max(n, WindowResult::getPeakPinnedPages))
          .isEqualTo(big.max(n, WindowResult::getPeakPinnedPages));
    }
  }
}
