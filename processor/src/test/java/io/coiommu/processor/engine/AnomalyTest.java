package io.coiommu.processor.engine;

import static io.coiommu.processor.engine.Trace.S;
import static io.coiommu.processor.engine.Trace.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.EventType;
import io.coiommu.schema.WindowResult;
import org.junit.jupiter.api.Test;

/**
 * Nonsense in a trace is reported, counted and survived; nothing crashes and nothing is dropped
 * silently.
 */
class AnomalyTest {

  private static final long GIB = 1L << 30;
  private static final long PAGE = 4096;
  private static final String SPEC =
      "static,coiommu:unpin=lru,interval=10s,limit=8192,gen=10,oracle";

  @Test
  void eachKindOfNonsenseGivesOneAnomalyWithItsReason() {
    Trace t = new Trace();
    t.map(0, 0x1000, PAGE, 1); // before VM_START
    t.start(1 * S, GIB);
    t.start(1 * S, GIB); // duplicate start
    t.map(2 * S, 0x10000, 0, 2); // zero length
    t.map(2 * S, 0x10000, 1L << 40, 2); // 1 TiB in a 1 GiB guest
    t.add(
        event(EventType.DMA_MAP, 2 * S)
            .setDevice(Trace.NIC)
            .setIova(5)
            .setBytes(PAGE)
            .build()); // no gpa
    t.map(2 * S, 1L << 50, PAGE, 3); // beyond 46 bits
    t.map(2 * S, 0x10000, PAGE, 4); // fine
    t.map(2 * S, 0x10000, PAGE, 5); // same iova again: double map
    t.unmap(2 * S, 0x99000, 6); // unknown iova
    t.add(
        event(EventType.DMA_UNMAP, 2 * S)
            .setDevice(Trace.NIC)
            .setIova(0x10000)
            .setBytes(3 * PAGE)
            .build());
    t.access(2 * S, 0x50000, PAGE); // access to an unmapped page
    t.add(event(EventType.UNKNOWN, 2 * S).build()); // unknown type
    t.map(1 * S, 0x20000, PAGE, 7); // out of order: emulated at 2 s
    t.stop(4 * S);
    t.map(5 * S, 0x30000, PAGE, 8); // after stop
    Collected c = t.run(SPEC);
    assertThat(c.reasons())
        .containsExactly(
            "EVENT_BEFORE_VM_START",
            "DUPLICATE_VM_START",
            "BAD_LENGTH",
            "BAD_LENGTH",
            "MISSING_GPA",
            "GPA_OUT_OF_RANGE",
            "DOUBLE_MAP",
            "UNMAP_UNKNOWN_IOVA",
            "UNMAP_MISMATCH",
            "ACCESS_TO_UNMAPPED_PAGE",
            "UNKNOWN_EVENT_TYPE",
            "OUT_OF_ORDER_TIMESTAMP",
            "EVENT_AFTER_VM_STOP");
    // All but the last (after the last record) are counted in every scenario's records.
    for (String s : new String[] {"static", "coiommu", "oracle"}) {
      assertThat(c.sum(s, WindowResult::getAnomalies)).as(s).isEqualTo(12);
      assertThat(c.sum(s, WindowResult::getDmaSafetyViolations)).as(s).isZero();
    }
    // The mismatching unmap still unmapped the recorded mapping; the out-of-order map was emulated.
    assertThat(c.at("oracle", 2 * S).getMappedPages()).isEqualTo(1);
    assertThat(c.at("oracle", 2 * S).getMapCalls()).isEqualTo(2);
    assertThat(c.anomalies.get(0).getEvent().getType()).isEqualTo(EventType.DMA_MAP);
    assertThat(c.anomalies.get(0).getVm()).isEqualTo("vm-1");
  }

  @Test
  void balloonOverMappedPagesIsReportedPerScenario() {
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x10000, PAGE, 1)
            .inflate(2 * S, 0x10000, 2 * PAGE)
            .stop(3 * S)
            .run(SPEC);
    assertThat(c.reasons())
        .containsExactly("BALLOON_OVER_MAPPED", "BALLOON_OVER_MAPPED", "BALLOON_OVER_MAPPED");
    assertThat(c.anomalies)
        .extracting(a -> a.getScenario().split(":")[0])
        .containsExactly("static", "coiommu", "oracle");
    // The oracle refuses the mapped page and reclaims the other; static refuses both; coiommu
    // refuses the request.
    assertThat(c.sum("oracle", WindowResult::getBalloonReclaimedBytes)).isEqualTo(PAGE);
    assertThat(c.sum("static", WindowResult::getBalloonRefusedBytes)).isEqualTo(2 * PAGE);
    assertThat(c.sum("coiommu", WindowResult::getBalloonRefusedBytes)).isEqualTo(2 * PAGE);
  }

  @Test
  void deviceAccessesToMappedPagesFindThemPinnedAndPageFaultsAreCostedButNotByTheOracle() {
    // An access to a mapped buffer at 1.5 s: every policy has it pinned (no violation, no anomaly).
    // One recorded
    // I/O page fault at 2 s: counted everywhere, 215 us in the cost model, except for the oracle
    // which costs nothing.
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x10000, 2 * PAGE, 1)
            .access(1 * S + S / 2, 0x10800, PAGE)
            .add(
                event(EventType.IO_PAGE_FAULT, 2 * S).setDevice(Trace.NIC).setIova(0x99000).build())
            .stop(4 * S)
            .run(ScenarioSpec.DEFAULTS);
    assertThat(c.anomalies).isEmpty();
    for (Scenario s : ScenarioSpec.parse(ScenarioSpec.DEFAULTS)) {
      WindowResult w = c.at(s.name(), 2 * S);
      assertThat(w.getIoPageFaults()).as(s.name()).isEqualTo(1);
      assertThat(w.getCpuCostNs())
          .as(s.name())
          .isEqualTo(s.kind() == PolicyKind.ORACLE ? 0 : 215_000);
      assertThat(c.sum(s.name(), WindowResult::getDmaSafetyViolations)).isZero();
    }
  }
}
