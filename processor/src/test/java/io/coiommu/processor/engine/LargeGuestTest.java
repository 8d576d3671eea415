package io.coiommu.processor.engine;

import static io.coiommu.processor.engine.Trace.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.WindowResult;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * State follows the DMA working set, not guest memory; bulk balloon requests take the short walk.
 */
class LargeGuestTest {

  private static final long GIB = 1L << 30;
  private static final long TIB = 1L << 40;
  private static final long PAGE = 4096;

  @Test
  void aOneTebibyteGuestGivesTheSameResultsAsASmallOneExceptStatic() {
    String spec =
        "viommu-strict,viommu-lazy,virtio-iommu,coiommu:unpin=lru,interval=1s,limit=8192,gen=10,oracle";
    Collected small = trace(GIB).run(spec);
    Collected large = trace(TIB).run(spec);
    assertThat(large.windows).hasSameSizeAs(small.windows);
    for (int i = 0; i < small.windows.size(); i++) {
      WindowResult a = WindowResult.newBuilder(small.windows.get(i)).setGuestBytes(0).build();
      WindowResult b = WindowResult.newBuilder(large.windows.get(i)).setGuestBytes(0).build();
      assertThat(b).isEqualTo(a);
    }
    Collected statik = trace(TIB).run("static");
    assertThat(statik.max("static", WindowResult::getPeakPinnedPages)).isEqualTo(TIB / PAGE);
  }

  @Test
  void idleStretchesOfAHugeGuestAreSplitBeforeTheirIntegralOverflows() {
    // 2^28 pages x 1000 s = 2.7e20 page-ns does not fit a long (9.2e18): the stretch [1 s, 1000 s]
    // is cut at window
    // boundaries into pieces of at most 34 s (Long.MAX_VALUE / 2^28 ns), each exact.
    Collected c = new Trace().start(0, TIB).stop(1000 * S).run("static");
    List<WindowResult> w = c.of("static");
    assertThat(w.size()).isBetween(30, 40);
    for (int k = 0; k < w.size(); k++) {
      WindowResult r = w.get(k);
      long len = r.getWindowEndNs() - r.getWindowStartNs();
      assertThat(r.getPinnedPageNanos()).isEqualTo(Math.multiplyExact(TIB / PAGE, len));
      if (k > 0) {
        assertThat(r.getWindowStartNs()).isEqualTo(w.get(k - 1).getWindowEndNs());
      }
    }
    assertThat(w.get(w.size() - 1).getWindowEndNs()).isEqualTo(1000 * S);
  }

  @Test
  void aHundredGibibyteBalloonOverFewPinnedPagesIsExact() {
    // 3 pages pinned and unmapped near 50 GiB, one page still mapped at 200 GiB (outside the
    // request).
    // coiommu: the 3 pinned pages in the request are unpinned, all 100 GiB reclaimed.
    // oracle: nothing pinned in the range: all reclaimed. static: all refused.
    long base = 50 * GIB;
    Collected c =
        new Trace()
            .start(0, 256 * GIB)
            .map(1 * S, base, 3 * PAGE, 1)
            .map(1 * S, 200 * GIB, PAGE, 2)
            .unmap(2 * S, base, 3)
            .inflate(3 * S, 10 * GIB, 100 * GIB)
            .stop(5 * S)
            .run("static,coiommu:unpin=lru,interval=60s,oracle");
    WindowResult co = c.at("coiommu", 3 * S);
    assertThat(co.getBalloonReclaimedBytes()).isEqualTo(100 * GIB);
    assertThat(co.getUnpins()).isEqualTo(3);
    assertThat(co.getPinnedPages()).isEqualTo(1);
    assertThat(c.at("oracle", 3 * S).getBalloonReclaimedBytes()).isEqualTo(100 * GIB);
    assertThat(c.at("static", 3 * S).getBalloonRefusedBytes()).isEqualTo(100 * GIB);
    // Now a request that covers the mapped page: coiommu refuses it all, after unpinning nothing
    // (none before it).
    Collected d =
        new Trace()
            .start(0, 256 * GIB)
            .map(1 * S, 200 * GIB, PAGE, 2)
            .inflate(3 * S, 150 * GIB, 100 * GIB)
            .stop(5 * S)
            .run("coiommu:unpin=lru,interval=60s,oracle");
    assertThat(d.at("coiommu", 3 * S).getBalloonRefusedBytes()).isEqualTo(100 * GIB);
    assertThat(d.at("oracle", 3 * S).getBalloonRefusedBytes()).isEqualTo(PAGE);
  }

  @Test
  void everyRecordIsAValidAvroRecord() throws IOException {
    Collected c = trace(GIB).run(ScenarioSpec.DEFAULTS);
    for (WindowResult r : c.windows) {
      assertThat(WindowResult.fromByteBuffer(r.toByteBuffer())).isEqualTo(r);
    }
    assertThat(c.windows).isNotEmpty();
  }

  private static Trace trace(long guestBytes) {
    Trace t = new Trace().start(0, guestBytes);
    List<Long> gpas = List.of(0x10000L, 0x7f000L, 0x3000_0000L);
    long call = 1;
    for (int round = 0; round < 5; round++) {
      for (long gpa : gpas) {
        t.map(round * S + 1000, gpa, 3 * PAGE, call++);
      }
      for (long gpa : gpas) {
        t.unmap(round * S + 500_000, gpa, call++);
      }
    }
    return t.stop(10 * S);
  }
}
