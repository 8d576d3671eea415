package io.coiommu.processor.engine;

import static io.coiommu.processor.engine.Trace.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.WindowResult;
import org.junit.jupiter.api.Test;

/**
 * iopf: nothing pinned at map, a fault per unpinned page a device reaches, coIOMMU's unpinning.
 * Windows are 1 s.
 */
class IopfTest {

  private static final String OFF = "iopf";
  private static final String LRU = "iopf:unpin=lru,interval=10s,limit=8192,gen=10";
  private static final long GIB = 1L << 30;
  private static final long PAGE = 4096;

  @Test
  void theCanonicalNameSpellsOutTheUnpinOptions() {
    assertThat(ScenarioSpec.parse("iopf").get(0).name())
        .isEqualTo("iopf:unpin=off,interval=60s,limit=unlimited,gen=10");
    assertThat(ScenarioSpec.parse(LRU).get(0).name()).isEqualTo(LRU);
  }

  @Test
  void aMapPinsNothingAndTheFirstAccessFaultsEachPageIn() {
    // Map 4 pages at 1 s (an access at 0.5 s elsewhere tells the emulator the trace has accesses);
    // the device reads
    // 2 of them at 2 s (2 faults, 2 pins), then all 4 at 3 s (2 more faults); at 4 s all 4 again:
    // no fault.
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(S / 4, 0x100000, PAGE, 9)
            .access(S / 2, 0x100000, PAGE)
            .map(1 * S, 0x10000, 4 * PAGE, 1)
            .access(2 * S, 0x10000, 2 * PAGE)
            .access(3 * S, 0x10000, 4 * PAGE)
            .access(4 * S, 0x10000, 4 * PAGE)
            .stop(5 * S)
            .run(OFF);
    WindowResult atMap = c.at(OFF, 1 * S);
    assertThat(atMap.getPinnedPages()).isEqualTo(1);
    assertThat(atMap.getExits()).isZero();
    assertThat(atMap.getMapCallsNoExit()).isEqualTo(1);
    assertThat(c.at(OFF, 2 * S).getIoPageFaults()).isEqualTo(2);
    assertThat(c.at(OFF, 2 * S).getPinnedPages()).isEqualTo(3);
    assertThat(c.at(OFF, 3 * S).getIoPageFaults()).isEqualTo(2);
    assertThat(c.at(OFF, 3 * S).getNotifications()).isEqualTo(2);
    assertThat(c.at(OFF, 4 * S).getIoPageFaults()).isZero();
    assertThat(c.sum(OFF, WindowResult::getPins)).isEqualTo(5);
    assertThat(c.sum(OFF, WindowResult::getExits)).isZero();
    assertThat(c.sum(OFF, WindowResult::getDmaSafetyViolations)).isZero();
    // 2 faults at 2 s cost 2 x (iopf + pin); the default iopf cost is 215 us, a pin 250 ns, a VFIO
    // map 2 us.
    assertThat(c.at(OFF, 2 * S).getCpuCostNs()).isEqualTo(2 * (215_000 + 250 + 2_000));
  }

  @Test
  void withoutAccessesInTheTraceEachMappedPageIsAccessedOnceAtItsMap() {
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x10000, 3 * PAGE, 1)
            .unmap(2 * S, 0x10000, 2)
            .stop(3 * S)
            .run(OFF);
    assertThat(c.at(OFF, 1 * S).getIoPageFaults()).isEqualTo(3);
    assertThat(c.at(OFF, 1 * S).getPinnedPages()).isEqualTo(3);
    // unpin=off: the unmap at 2 s unpins nothing; the 3 pages stay pinned until the stop at 3 s.
    assertThat(c.at(OFF, 2 * S).getPinnedPageNanos()).isEqualTo(3 * S);
    assertThat(c.sum(OFF, WindowResult::getDmaSafetyViolations)).isZero();
  }

  @Test
  void lruUnpinsAPageNeitherMappedNorAccessedSinceTheLastScan() {
    // Accessed at 1.5 s and unmapped at 2 s: scan 1 (10 s) finds A set and clears it, scan 2 (20 s)
    // unpins.
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x10000, PAGE, 1)
            .access(S + S / 2, 0x10000, PAGE)
            .unmap(2 * S, 0x10000, 2)
            .stop(30 * S)
            .run(LRU);
    assertThat(c.at(LRU, 10 * S).getUnpins()).isZero();
    assertThat(c.at(LRU, 20 * S).getUnpins()).isEqualTo(1);
    assertThat(c.at(LRU, 20 * S).getPinnedPages()).isZero();
  }

  @Test
  void aMappedPageTheDeviceNeverReachesIsNeverPinned() {
    // The access at 0.5 s to another mapped page tells the emulator that this trace has its own
    // accesses.
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(S / 4, 0x100000, PAGE, 9)
            .access(S / 2, 0x100000, PAGE)
            .map(1 * S, 0x10000, 8 * PAGE, 1)
            .access(2 * S, 0x10000, PAGE)
            .stop(3 * S)
            .run(OFF);
    assertThat(c.at(OFF, 1 * S).getPins()).isZero();
    assertThat(c.at(OFF, 2 * S).getPins()).isEqualTo(1);
    assertThat(c.at(OFF, 2 * S).getPeakPinnedPages()).isEqualTo(2);
  }
}
