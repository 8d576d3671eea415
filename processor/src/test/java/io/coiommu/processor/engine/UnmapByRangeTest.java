package io.coiommu.processor.engine;

import static io.coiommu.processor.engine.Trace.NIC;
import static io.coiommu.processor.engine.Trace.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.EventType;
import io.coiommu.schema.WindowResult;
import org.junit.jupiter.api.Test;

/**
 * An unmap is by range, as iommu_unmap is: it unmaps exactly the pages of the mappings it covers.
 */
class UnmapByRangeTest {

  private static final long GIB = 1L << 30;
  private static final String SCENARIOS = "viommu-strict,oracle";

  private static Trace unmapRange(Trace t, long tsNs, long iova, long bytes, long callId) {
    return t.add(
        Trace.event(EventType.DMA_UNMAP, tsNs)
            .setDevice(NIC)
            .setIova(iova)
            .setBytes(bytes)
            .setCallId(callId)
            .build());
  }

  @Test
  void anUnmapInsideAMappingUnmapsThosePagesAndKeepsTheRest() {
    Trace t = new Trace().start(0, GIB).mapAt(1 * S, 0x10000, 0x100000, 4 * 4096, 1);
    // Pages 1 and 2 of the four: the mapping's first and last page stay, as two mappings.
    unmapRange(t, 2 * S, 0x11000, 2 * 4096, 2);
    t.unmap(3 * S, 0x10000, 3);
    unmapRange(t, 4 * S, 0x13000, 4096, 4);
    Collected c = t.stop(10 * S).run(SCENARIOS);
    assertThat(c.at("oracle", 1 * S).getPinnedPages()).isEqualTo(4);
    assertThat(c.at("oracle", 2 * S).getPinnedPages()).isEqualTo(2);
    assertThat(c.at("oracle", 3 * S).getPinnedPages()).isEqualTo(1);
    assertThat(c.at("oracle", 4 * S).getPinnedPages()).isZero();
    assertThat(c.at("viommu-strict", 2 * S).getUnpins()).isEqualTo(2);
    assertThat(c.reasons()).isEmpty();
  }

  @Test
  void anUnmapOverSeveralMappingsUnmapsAllOfThemInOneCall() {
    Trace t =
        new Trace()
            .start(0, GIB)
            .mapAt(1 * S, 0x20000, 0x200000, 4096, 1)
            .mapAt(1 * S, 0x21000, 0x300000, 4096, 2)
            .mapAt(1 * S, 0x22000, 0x400000, 2 * 4096, 3);
    // A lazy flush's late unmap: from below the first mapping into the middle of the last.
    unmapRange(t, 2 * S, 0x1f000, 0x4000, 0);
    Collected c = t.stop(10 * S).run(SCENARIOS);
    WindowResult second = c.at("viommu-strict", 2 * S);
    assertThat(second.getPinnedPages()).isEqualTo(1);
    assertThat(second.getNotifications()).isEqualTo(1);
    assertThat(c.at("oracle", 2 * S).getPinnedPages()).isEqualTo(1);
    assertThat(c.reasons()).isEmpty();
  }

  @Test
  void anUnmapOfARangeNoMappingTouchesIsUnknown() {
    Trace t = new Trace().start(0, GIB).mapAt(1 * S, 0x20000, 0x200000, 4096, 1);
    unmapRange(t, 2 * S, 0x30000, 0x1000, 2);
    Collected c = t.stop(10 * S).run(SCENARIOS);
    assertThat(c.reasons()).containsExactly(AnomalyReason.UNMAP_UNKNOWN_IOVA.name());
    assertThat(c.at("oracle", 2 * S).getPinnedPages()).isEqualTo(1);
  }

  @Test
  void aSharedPageStaysMappedWhileTheKeptPartHoldsIt() {
    // Two halves of one page in one mapping of 6 KiB from gpa 0x100800: pages 0x100 and 0x101.
    Trace t = new Trace().start(0, GIB).mapAt(1 * S, 0x40000, 0x100800, 6144, 1);
    // Unmap its last 2 KiB (the second half of page 0x101, whose first half the kept part still
    // maps).
    unmapRange(t, 2 * S, 0x41000, 2048, 2);
    Collected c = t.stop(10 * S).run(SCENARIOS);
    assertThat(c.at("oracle", 2 * S).getPinnedPages()).isEqualTo(2);
    assertThat(c.reasons()).isEmpty();
  }
}
