package io.coiommu.processor.engine;

import static io.coiommu.processor.engine.Trace.MS;
import static io.coiommu.processor.engine.Trace.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.WindowResult;
import org.junit.jupiter.api.Test;

class LazyVirtioOracleTest {

  private static final long GIB = 1L << 30;
  private static final long PAGE = 4096;
  private static final String LAZY = "viommu-lazy";

  @Test
  void lazyUnmapWaitsTenMillisecondsForTheFlush() {
    // Map (1 exit) at 1 s; unmap at 1 s + 1 ms queues an entry and arms the 10 ms timer: the flush
    // at 1.011 s costs
    // 1 exit + 1 invalidation and unpins the page. Pinned from 1 s to 1.011 s: 11 ms x 1 page.
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x10000, PAGE, 1)
            .unmap(1 * S + 1 * MS, 0x10000, 2)
            .stop(2 * S)
            .run(LAZY);
    WindowResult w = c.at(LAZY, 1 * S);
    assertThat(w.getExits()).isEqualTo(2);
    assertThat(w.getNotifications()).isEqualTo(2);
    assertThat(w.getIotlbInvalidations()).isEqualTo(2);
    assertThat(w.getVfioUnmaps()).isEqualTo(1);
    assertThat(w.getUnpins()).isEqualTo(1);
    assertThat(w.getPinnedPages()).isZero();
    assertThat(w.getPinnedPageNanos()).isEqualTo(11 * MS);
  }

  @Test
  void aFullQueueIsFlushedWhenTheNextEntryArrives() {
    // queue=4: five one-page unmap calls at 1 s. The fifth finds the queue full: one flush unpins
    // the first four;
    // the fifth waits for the timer (1 s + 10 ms). Exits: 5 maps + 2 flushes.
    String spec = "viommu-lazy:queue=4,timeout=10ms";
    Trace t =
        new Trace()
            .start(0, GIB)
            .mapPages(1 * S, 0x100000, 5, 10)
            .unmapPages(1 * S, 0x100000, 5, 20);
    Collected c = t.stop(2 * S).run(spec);
    WindowResult w = c.at(spec, 1 * S);
    assertThat(w.getExits()).isEqualTo(7);
    assertThat(w.getUnpins()).isEqualTo(5);
    assertThat(w.getVfioUnmaps()).isEqualTo(5);
    // Five pages pinned at 1 s; four go at once, the last 10 ms later.
    assertThat(w.getPinnedPageNanos()).isEqualTo(10 * MS);
  }

  @Test
  void aPageMappedAgainBeforeTheFlushIsNeitherUnpinnedNorPinnedAgain() {
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x10000, PAGE, 1)
            .unmap(1 * S + 1 * MS, 0x10000, 2)
            .mapAt(1 * S + 2 * MS, 0x70000, 0x10000, PAGE, 3)
            .stop(3 * S)
            .run(LAZY);
    WindowResult w = c.at(LAZY, 1 * S);
    assertThat(w.getPins()).isEqualTo(1);
    assertThat(w.getUnpins()).isZero();
    assertThat(w.getPinnedPages()).isEqualTo(1);
  }

  @Test
  void virtioIommuKicksOncePerCall() {
    // Call 5 maps two ranges: one kick, two MAP requests (VFIO maps). Call 6 unmaps both: one kick,
    // two UNMAP
    // requests, each a VFIO unmap that syncs the IOTLB.
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x10000, PAGE, 5)
            .map(1 * S, 0x30000, 2 * PAGE, 5)
            .unmap(2 * S, 0x10000, 6)
            .unmap(2 * S, 0x30000, 6)
            .stop(3 * S)
            .run("virtio-iommu");
    WindowResult m = c.at("virtio-iommu", 1 * S);
    assertThat(m.getExits()).isEqualTo(1);
    assertThat(m.getVfioMaps()).isEqualTo(2);
    assertThat(m.getPins()).isEqualTo(3);
    WindowResult u = c.at("virtio-iommu", 2 * S);
    assertThat(u.getExits()).isEqualTo(1);
    assertThat(u.getVfioUnmaps()).isEqualTo(2);
    assertThat(u.getIotlbInvalidations()).isEqualTo(2);
    assertThat(u.getUnpins()).isEqualTo(3);
    // Cost of the unmap call: 1 kick (6 us) + 2 VFIO unmaps (2 us each) + 2 invalidations (1 us) +
    // 3 unpins x 150 ns.
    assertThat(u.getCpuCostNs()).isEqualTo(6_000 + 2 * 2_000 + 2 * 1_000 + 3 * 150);
  }

  @Test
  void consecutiveRangesWithCallIdZeroAreSeparateCalls() {
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x10000, PAGE, 0)
            .map(1 * S, 0x30000, PAGE, 0)
            .stop(3 * S)
            .run("virtio-iommu");
    assertThat(c.at("virtio-iommu", 1 * S).getExits()).isEqualTo(2);
  }

  @Test
  void oraclePinsExactlyWhatIsMappedAndCostsNothing() {
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x10000, 3 * PAGE, 1)
            .unmap(2 * S, 0x10000, 2)
            .stop(3 * S)
            .run("oracle");
    assertThat(c.at("oracle", 1 * S).getPinnedPages()).isEqualTo(3);
    assertThat(c.at("oracle", 2 * S).getPinnedPages()).isZero();
    assertThat(c.sum("oracle", WindowResult::getExits)).isZero();
    assertThat(c.sum("oracle", WindowResult::getCpuCostNs)).isZero();
    assertThat(c.sum("oracle", WindowResult::getPinnedPageNanos)).isEqualTo(3 * S);
  }
}
