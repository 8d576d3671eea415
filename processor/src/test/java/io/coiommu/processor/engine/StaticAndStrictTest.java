package io.coiommu.processor.engine;

import static io.coiommu.processor.engine.Trace.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.WindowResult;
import org.junit.jupiter.api.Test;

class StaticAndStrictTest {

  private static final long GIB = 1L << 30;
  private static final long PAGE = 4096;

  @Test
  void staticPinsAllGuestMemoryForTheVmsWholeLife() {
    // 1 GiB = 262144 pages pinned at VM_START (boot work), kept until VM_STOP at 5.5 s, whatever
    // the guest maps.
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x1000, PAGE, 1)
            .inflate(2 * S, 0x100000, 16 * PAGE)
            .stop(5 * S + S / 2)
            .run("static");
    assertThat(c.at("static", 0).getBootPinnedPages()).isEqualTo(262_144);
    assertThat(c.max("static", WindowResult::getPeakPinnedPages)).isEqualTo(262_144);
    // Integral: 262144 pages x 5.5 s.
    assertThat(c.sum("static", WindowResult::getPinnedPageNanos))
        .isEqualTo(262_144L * (5 * S + S / 2));
    assertThat(c.sum("static", WindowResult::getExits)).isZero();
    assertThat(c.sum("static", WindowResult::getMapCallsNoExit)).isEqualTo(1);
    // The balloon gets nothing: all 16 pages are pinned.
    assertThat(c.sum("static", WindowResult::getBalloonRefusedBytes)).isEqualTo(16 * PAGE);
    assertThat(c.sum("static", WindowResult::getBalloonReclaimedBytes)).isZero();
    WindowResult last = c.of("static").get(c.of("static").size() - 1);
    assertThat(last.getLast()).isTrue();
    assertThat(last.getPinnedPages()).isZero();
    assertThat(last.getWindowEndNs()).isEqualTo(5 * S + S / 2);
  }

  @Test
  void strictTrapsOncePerCallAndPinsExactlyTheMappedPages() {
    // Call 7: two ranges (3 pages + 1 page) -> 1 exit, 1 invalidation (caching mode), 4 pins and
    // 4 VFIO maps: QEMU's page walk hands VFIO one leaf, a 4 KiB page here, at a time.
    // Call 8 unmaps both ranges -> 1 exit, 1 invalidation, 4 VFIO unmaps, 4 unpins.
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x10000, 3 * PAGE, 7)
            .map(1 * S, 0x50000, PAGE, 7)
            .unmap(2 * S, 0x10000, 8)
            .unmap(2 * S, 0x50000, 8)
            .stop(3 * S)
            .run("viommu-strict");
    WindowResult m = c.at("viommu-strict", 1 * S);
    assertThat(m.getMapCalls()).isEqualTo(1);
    assertThat(m.getExits()).isEqualTo(1);
    assertThat(m.getNotifications()).isEqualTo(1);
    assertThat(m.getIotlbInvalidations()).isEqualTo(1);
    assertThat(m.getVfioMaps()).isEqualTo(4);
    assertThat(m.getPins()).isEqualTo(4);
    assertThat(m.getPinnedPages()).isEqualTo(4);
    assertThat(m.getMappedPages()).isEqualTo(4);
    WindowResult u = c.at("viommu-strict", 2 * S);
    assertThat(u.getExits()).isEqualTo(1);
    assertThat(u.getIotlbInvalidations()).isEqualTo(1);
    assertThat(u.getVfioUnmaps()).isEqualTo(4);
    assertThat(u.getUnpins()).isEqualTo(4);
    assertThat(u.getPinnedPages()).isZero();
    // Pinned 4 pages from 1 s to 2 s.
    assertThat(c.sum("viommu-strict", WindowResult::getPinnedPageNanos)).isEqualTo(4 * S);
    // Cost: 2 exits x 10 us + 4 pins x 250 + 4 unpins x 150 + 4 maps x 2 us + 4 unmaps x 2 us + 2
    // inv x 1 us.
    assertThat(c.sum("viommu-strict", WindowResult::getCpuCostNs))
        .isEqualTo(2 * 10_000 + 4 * 250 + 4 * 150 + 4 * 2_000 + 4 * 2_000 + 2 * 1_000);
  }

  @Test
  void aPageSharedByTwoMappingsStaysPinnedUntilTheLastGoes() {
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x10000, PAGE, 1)
            .mapAt(1 * S, 0x90000, 0x10000, PAGE, 2)
            .unmap(2 * S, 0x10000, 3)
            .unmap(3 * S, 0x90000, 4)
            .stop(4 * S)
            .run("viommu-strict");
    assertThat(c.at("viommu-strict", 1 * S).getPins()).isEqualTo(1);
    assertThat(c.at("viommu-strict", 2 * S).getPinnedPages()).isEqualTo(1);
    assertThat(c.at("viommu-strict", 3 * S).getUnpins()).isEqualTo(1);
    assertThat(c.at("viommu-strict", 3 * S).getExits()).isEqualTo(1);
  }
}
