package io.coiommu.processor.engine;

import static io.coiommu.processor.engine.Trace.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.WindowResult;
import org.junit.jupiter.api.Test;

/**
 * coiommu with crosvm's LRU unpin worker, on hand-worked traces. Windows are 1 s; the VM starts at
 * t = 0.
 */
class CoIommuTest {

  private static final String LRU = "coiommu:unpin=lru,interval=10s,limit=8192,gen=10";
  private static final long GIB = 1L << 30;
  private static final long PAGE = 4096;

  @Test
  void pageIsUnpinnedOnTheSecondScanAfterItsLastUnmapAndNotBefore() {
    // t=1s map one page (P=0 -> one notification, pin, A=1, count 1); t=2s unmap (count 0, A still
    // 1).
    // Scan 1 at 10s: entry = P|A, not just P -> NotUnpinned, A cleared. Scan 2 at 20s: entry = P ->
    // unpinned.
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x10000, PAGE, 1)
            .unmap(2 * S, 0x10000, 2)
            .stop(30 * S)
            .run(LRU);
    WindowResult scan1 = c.at(LRU, 10 * S);
    assertThat(scan1.getUnpins()).isZero();
    assertThat(scan1.getPinnedPages()).isEqualTo(1);
    WindowResult scan2 = c.at(LRU, 20 * S);
    assertThat(scan2.getUnpins()).isEqualTo(1);
    assertThat(scan2.getPinnedPages()).isZero();
    // Pinned from 1 s to 20 s: 19 s x 1 page.
    assertThat(c.sum(LRU, WindowResult::getPinnedPageNanos)).isEqualTo(19 * S);
    assertThat(c.sum(LRU, WindowResult::getNotifications)).isEqualTo(1);
    assertThat(c.sum(LRU, WindowResult::getDmaSafetyViolations)).isZero();
  }

  @Test
  void anUnmapJustAfterAScanStaysPinnedUntilTheScanAfterNext() {
    // Map at 1 s, unmap at 2 s; scan 1 (10 s) clears A. The guest maps the page again at 11 s
    // through another iova
    // (P = 1: no notification, A = 1 again) and unmaps it at 12 s, just after scan 1. Scan 2 (20 s)
    // finds A set and
    // clears it; scan 3 (30 s) unpins: the page stays pinned between T and 2T after its last unmap.
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x10000, PAGE, 1)
            .unmap(2 * S, 0x10000, 2)
            .mapAt(11 * S, 0x90000, 0x10000, PAGE, 3)
            .unmap(12 * S, 0x90000, 4)
            .stop(40 * S)
            .run(LRU);
    assertThat(c.at(LRU, 20 * S).getUnpins()).isZero();
    assertThat(c.at(LRU, 30 * S).getUnpins()).isEqualTo(1);
    // The second map found P = 1: smart pinning, no notification for it.
    assertThat(c.sum(LRU, WindowResult::getNotifications)).isEqualTo(1);
    assertThat(c.sum(LRU, WindowResult::getMapCalls)).isEqualTo(2);
    assertThat(c.sum(LRU, WindowResult::getMapCallsNoExit)).isEqualTo(1);
  }

  @Test
  void aMapCallWhosePagesAreAllPinnedCostsNoNotification() {
    // Call 1 maps 2 pages (one notification, 2 pins). Call 2 maps one of them again at another
    // iova: all P = 1.
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x20000, 2 * PAGE, 1)
            .mapAt(1 * S + 5, 0x80000, 0x21000, PAGE, 2)
            .stop(3 * S)
            .run(LRU);
    WindowResult w = c.at(LRU, 1 * S);
    assertThat(w.getMapCalls()).isEqualTo(2);
    assertThat(w.getNotifications()).isEqualTo(1);
    assertThat(w.getExits()).isEqualTo(1);
    assertThat(w.getMapCallsNoExit()).isEqualTo(1);
    assertThat(w.getPins()).isEqualTo(2);
    // crosvm pins page by page: one VFIO map per page.
    assertThat(w.getVfioMaps()).isEqualTo(2);
  }

  @Test
  void aPageBusyForGenScansMovesToOldAndIsThenScannedEveryGenIntervals() {
    // A ring page mapped from 1 s and unmapped at 105 s. Scans at 10, 20, ..., 100 s find it
    // mapped: busy 1..10;
    // at scan 10 (100 s) busy reaches gen = 10 and it moves to OLD. OLD is scanned on every 10th
    // scan only (200 s),
    // so the unmapped page (A cleared at 100 s) is not unpinned at 110 s but at 200 s.
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x30000, PAGE, 1)
            .unmap(105 * S, 0x30000, 2)
            .stop(250 * S)
            .run(LRU);
    for (long t = 110; t < 200; t += 10) {
      assertThat(c.at(LRU, t * S).getUnpins()).as("scan at %d s", t).isZero();
    }
    assertThat(c.at(LRU, 200 * S).getUnpins()).isEqualTo(1);
    // For comparison, in NEW (gen large) it goes at the first scan after the unmap: A was cleared
    // at 100 s.
    String noAging = "coiommu:unpin=lru,interval=10s,limit=8192,gen=1000";
    Collected young =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x30000, PAGE, 1)
            .unmap(105 * S, 0x30000, 2)
            .stop(250 * S)
            .run(noAging);
    assertThat(young.at(noAging, 110 * S).getUnpins()).isEqualTo(1);
  }

  @Test
  void limitCapsUnpinsPerScan() {
    // Five one-page calls at 1 s, all unmapped at 2 s. limit = 2: scan 1 (10 s) clears A on all
    // five (no unpin,
    // so the limit is never reached and all are visited); scans 2, 3, 4 unpin 2, 2, 1.
    String spec = "coiommu:unpin=lru,interval=10s,limit=2,gen=10";
    Trace t =
        new Trace()
            .start(0, GIB)
            .mapPages(1 * S, 0x100000, 5, 10)
            .unmapPages(2 * S, 0x100000, 5, 20);
    Collected c = t.stop(50 * S).run(spec);
    assertThat(c.at(spec, 10 * S).getUnpins()).isZero();
    assertThat(c.at(spec, 20 * S).getUnpins()).isEqualTo(2);
    assertThat(c.at(spec, 30 * S).getUnpins()).isEqualTo(2);
    assertThat(c.at(spec, 40 * S).getUnpins()).isEqualTo(1);
    assertThat(c.at(spec, 40 * S).getPinnedPages()).isZero();
    // Five notifications: each call had an unpinned page.
    assertThat(c.sum(spec, WindowResult::getNotifications)).isEqualTo(5);
  }

  @Test
  void theOldListIsScannedFirstAndTakesItsShareOfTheLimit() {
    // gen = 2, limit = 1. Page X mapped 1..25 s: scan 10 s busy 1 (NEW); scan 20 s (2nd: OLD then
    // NEW) busy 2 -> OLD,
    // A cleared. Page Y mapped 26..27 s (A = 1, NEW). Scan 30 s (NEW only): Y's A cleared. Scan 40
    // s (2nd): OLD first
    // unpins X and uses up the limit, so NEW is not walked: Y stays. Scan 50 s (NEW only) unpins Y.
    // Walking NEW first
    // would have unpinned Y at 40 s and left X in OLD until 60 s.
    String spec = "coiommu:unpin=lru,interval=10s,limit=1,gen=2";
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x10000, PAGE, 1)
            .unmap(25 * S, 0x10000, 2)
            .map(26 * S, 0x20000, PAGE, 3)
            .unmap(27 * S, 0x20000, 4)
            .stop(70 * S)
            .run(spec);
    assertThat(c.at(spec, 30 * S).getUnpins()).isZero();
    assertThat(c.at(spec, 40 * S).getUnpins()).isEqualTo(1);
    assertThat(c.at(spec, 40 * S).getPinnedPages()).isEqualTo(1);
    assertThat(c.at(spec, 50 * S).getUnpins()).isEqualTo(1);
    assertThat(c.at(spec, 50 * S).getPinnedPages()).isZero();
  }

  @Test
  void withGenZeroABusyPageLeavesTheListsAndStaysPinned() {
    // crosvm drops a NotUnpinned page when gen = 0: the ring page mapped at 1 s and unmapped at 15
    // s was busy at the
    // 10 s scan, so no later scan ever looks at it again.
    String spec = "coiommu:unpin=lru,interval=10s,limit=8192,gen=0";
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x10000, PAGE, 1)
            .unmap(15 * S, 0x10000, 2)
            .stop(100 * S)
            .run(spec);
    assertThat(c.of(spec).subList(0, c.of(spec).size() - 1))
        .extracting(WindowResult::getUnpins)
        .containsOnly(0L);
    // The scans after 10 s have empty lists: nothing to record, so [16 s, 100 s] is the last
    // record, pinned all along
    // (1 page x 84 s) and released only by the stop.
    WindowResult last = c.at(spec, 90 * S);
    assertThat(last.getWindowStartNs()).isEqualTo(16 * S);
    assertThat(last.getPinnedPageNanos()).isEqualTo(84 * S);
    assertThat(last.getUnpins()).isEqualTo(1);
  }

  @Test
  void balloonOverAMappedPageIsRefusedAsAWhole() {
    // Pages 0x40 and 0x41 pinned at 1 s; 0x40 unmapped at 2 s, 0x41 still mapped. Inflate of
    // 0x3f..0x42 (4 pages)
    // at 3 s: 0x3f not pinned (fine), 0x40 unpinned (count 0: force clears A), 0x41 mapped -> the
    // request fails.
    // Reclaimed 0, refused 4 pages; the page unpinned before the failure stays unpinned, as in
    // crosvm.
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x40000, PAGE, 1)
            .map(1 * S, 0x41000, PAGE, 2)
            .unmap(2 * S, 0x40000, 3)
            .inflate(3 * S, 0x3f000, 4 * PAGE)
            .stop(5 * S)
            .run(LRU);
    WindowResult w = c.at(LRU, 3 * S);
    assertThat(w.getBalloonRequestedBytes()).isEqualTo(4 * PAGE);
    assertThat(w.getBalloonReclaimedBytes()).isZero();
    assertThat(w.getBalloonRefusedBytes()).isEqualTo(4 * PAGE);
    assertThat(w.getUnpins()).isEqualTo(1);
    assertThat(w.getPinnedPages()).isEqualTo(1);
    assertThat(w.getAnomalies()).isEqualTo(1);
    assertThat(c.reasons()).containsExactly("BALLOON_OVER_MAPPED");
    assertThat(c.anomalies.get(0).getScenario()).startsWith("coiommu:");
  }

  @Test
  void balloonOverUnmappedPagesUnpinsAndReclaimsThem() {
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x40000, 2 * PAGE, 1)
            .unmap(2 * S, 0x40000, 2)
            .inflate(3 * S, 0x40000, 4 * PAGE)
            .stop(5 * S)
            .run(LRU);
    WindowResult w = c.at(LRU, 3 * S);
    assertThat(w.getBalloonReclaimedBytes()).isEqualTo(4 * PAGE);
    assertThat(w.getBalloonRefusedBytes()).isZero();
    assertThat(w.getUnpins()).isEqualTo(2);
    assertThat(c.anomalies).isEmpty();
  }

  @Test
  void dttCostsRootPlusOneTablePerLevelForOneLeaf() {
    // One page mapped: the root (level 4) exists from the start; the map allocates one level-3, one
    // level-2 table and
    // one leaf: 4 tables of 4 KiB. A page 1024 pages further needs a second leaf only.
    Collected c =
        new Trace()
            .start(0, GIB)
            .map(1 * S, 0x0, PAGE, 1)
            .map(2 * S, 1024 * PAGE, PAGE, 2)
            .stop(4 * S)
            .run(LRU);
    assertThat(c.at(LRU, 0).getDttBytes()).isEqualTo(4096);
    assertThat(c.at(LRU, 1 * S).getDttBytes()).isEqualTo(4 * 4096);
    assertThat(c.at(LRU, 2 * S).getDttBytes()).isEqualTo(5 * 4096);
  }
}
