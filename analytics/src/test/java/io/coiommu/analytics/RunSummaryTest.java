package io.coiommu.analytics;

import static io.coiommu.analytics.Results.COIOMMU;
import static io.coiommu.analytics.Results.GIB;
import static io.coiommu.analytics.Results.S;
import static io.coiommu.analytics.Results.STATIC;
import static io.coiommu.analytics.Results.span;
import static io.coiommu.analytics.Results.steady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.coiommu.schema.WindowResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunSummaryTest {

  /**
   * One VM living from 0.5 s to 4.25 s: [0.5, 1) pinned 100 at the end, 120 at its peak, integral
   * 100 pages x 0.5 s, 3 notifications, 120 pins; [1, 4) an idle stretch at 100 pages; [4, 4.25)
   * unpins the 100 pages, last.
   */
  static List<WindowResult> oneVmWithIdleStretch() {
    return List.of(
        span(COIOMMU, "vm1", "h1", S / 2, S)
            .setPinnedPages(100)
            .setPeakPinnedPages(120)
            .setPinnedPageNanos(100 * S / 2)
            .setNotifications(3)
            .setExits(3)
            .setPins(120)
            .setUnpins(20)
            .setMapCalls(10)
            .setMapCallsNoExit(7)
            .setCpuCostNs(3_000)
            .build(),
        steady(COIOMMU, "vm1", "h1", S, 4 * S, 100).build(),
        span(COIOMMU, "vm1", "h1", 4 * S, 4 * S + S / 4)
            .setPinnedPages(0)
            .setPeakPinnedPages(100)
            .setPinnedPageNanos(100 * S / 4)
            .setUnpins(100)
            .setLast(true)
            .build());
  }

  @Test
  void foldsOneVmOverAnIdleStretch() {
    RunSummary s = new RunSummary();
    oneVmWithIdleStretch().forEach(s::add);

    VmRun vm = s.scenario(COIOMMU).vm("vm1");
    assertThat(vm.durationNs()).isEqualTo(3 * S + 3 * S / 4);
    // integral 0.5e11 + 3e11 + 0.25e11 = 3.75e11 page-ns over 3.75 s = 100 pages = 409600 bytes
    assertThat(vm.avgPinnedBytes()).isCloseTo(409_600.0, within(1e-6));
    assertThat(vm.peakPinnedBytes()).isEqualTo(120 * 4096);
    assertThat(vm.peakPinnedShare()).isCloseTo(120 * 4096.0 / GIB, within(1e-12));
    // 3 notifications over 3.75 s
    assertThat(vm.perSecond(WindowMetric.NOTIFICATIONS)).isCloseTo(0.8, within(1e-12));
    assertThat(vm.total(WindowMetric.PINS)).isEqualTo(120);
    assertThat(vm.total(WindowMetric.UNPINS)).isEqualTo(120);
    assertThat(vm.mapCallsNoExitShare()).isCloseTo(0.7, within(1e-12));
    assertThat(vm.sawLast()).isTrue();
    assertThat(s.violations()).isEmpty();

    // Window 0 holds the first record; windows 1..3 the idle stretch, forward-filled; window 4 the
    // last.
    WindowSeries w = vm.series();
    assertThat(w.firstWindow()).isZero();
    assertThat(w.lastWindow()).isEqualTo(4);
    assertThat(w.get(WindowMetric.PEAK_PINNED_PAGES, 0)).isEqualTo(120);
    assertThat(w.get(WindowMetric.NOTIFICATIONS, 0)).isEqualTo(3);
    for (int i = 1; i <= 3; i++) {
      assertThat(w.get(WindowMetric.PINNED_PAGES, i)).isEqualTo(100);
      assertThat(w.get(WindowMetric.PEAK_PINNED_PAGES, i)).isEqualTo(100);
      assertThat(w.get(WindowMetric.PINNED_PAGE_NANOS, i)).isEqualTo(100 * S);
      assertThat(w.get(WindowMetric.NOTIFICATIONS, i)).isZero();
    }
    assertThat(w.get(WindowMetric.PINNED_PAGES, 4)).isZero();
    assertThat(w.get(WindowMetric.PINNED_PAGE_NANOS, 4)).isEqualTo(100 * S / 4);
  }

  @Test
  void integralOfAnUnevenStretchIsSplitByOverlapAndKeepsItsTotal() {
    RunSummary s = new RunSummary();
    // [0.5 s, 2.5 s): 0.5 s in window 0, 1 s in window 1, 0.5 s in window 2 of the 2 s span.
    s.add(
        span(STATIC, "vm1", "h1", S / 2, 2 * S + S / 2)
            .setPinnedPageNanos(7)
            .setLast(true)
            .build());
    WindowSeries w = s.scenario(STATIC).fleet().series();
    assertThat(w.get(WindowMetric.PINNED_PAGE_NANOS, 0)).isEqualTo(1.75);
    assertThat(w.get(WindowMetric.PINNED_PAGE_NANOS, 1)).isEqualTo(3.5);
    assertThat(w.get(WindowMetric.PINNED_PAGE_NANOS, 2)).isEqualTo(1.75);
    assertThat(s.scenario(STATIC).vm("vm1").integral(WindowMetric.PINNED_PAGE_NANOS)).isEqualTo(7);
  }

  /**
   * vmA (h1) peaks at 100 pages in window 0 and 10 in window 1; vmB (h2) the other way round; vmC
   * (h1) is at 50 in window 1 only. Fleet per window: 110, then 10 + 100 + 50 = 160, so the fleet
   * peak is 160 pages, not the 250 of summed VM peaks. h1 per window: 100, then 60.
   */
  /**
   * A static 1 TiB guest over an hour holds 2^28 pages x 3.6e12 ns = 9.7e20 page-ns: past a long's
   * 9.2e18.
   */
  @Test
  void integralsOfBigGuestsOverLongRunsDoNotOverflow() {
    RunSummary s = new RunSummary();
    long pages = 1L << 28;
    for (int i = 0; i < 3600; i++) {
      s.add(
          steady(STATIC, "big", "h1", i * S, (i + 1) * S, pages)
              .setGuestBytes(pages * 4096)
              .setLast(i == 3599)
              .build());
    }
    VmRun vm = s.scenario(STATIC).vm("big");
    assertThat(vm.integral(WindowMetric.PINNED_PAGE_NANOS)).isCloseTo(9.663676416e20, within(1e6));
    assertThat(vm.avgPinnedShare()).isCloseTo(1.0, within(1e-12));
    assertThat(s.scenario(STATIC).fleet().avgPinnedShare()).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void fleetAndHostPeaksAreThePeaksOfTheirPerWindowSums() {
    RunSummary s = new RunSummary();
    s.add(steady(STATIC, "vmA", "h1", 0, S, 100).build());
    s.add(steady(STATIC, "vmB", "h2", 0, S, 10).build());
    s.add(steady(STATIC, "vmB", "h2", S, 2 * S, 100).setLast(true).build());
    s.add(steady(STATIC, "vmC", "h1", S, 2 * S, 50).setLast(true).build());
    s.add(steady(STATIC, "vmA", "h1", S, 2 * S, 10).setLast(true).build());

    ScenarioRun sc = s.scenario(STATIC);
    assertThat(sc.fleet().peakPinnedBytes()).isEqualTo(160 * 4096);
    assertThat(sc.host("h1").peakPinnedBytes()).isEqualTo(100 * 4096);
    assertThat(sc.host("h2").peakPinnedBytes()).isEqualTo(100 * 4096);
    assertThat(sc.host("h1").vms()).extracting(VmRun::vm).containsExactly("vmA", "vmC");
    assertThat(sc.fleet().series().get(WindowMetric.LIVE_VMS, 1)).isEqualTo(3);
    // fleet integral (100 + 10 + 10 + 100 + 50) pages x 1 s over 2 s of trace = 135 pages
    assertThat(sc.fleet().avgPinnedBytes()).isCloseTo(135 * 4096.0, within(1e-6));
    // guest memory-time: vmA 2 s + vmB 2 s + vmC 1 s = 5 GiB-s; pinned 270 pages-s
    assertThat(sc.fleet().avgPinnedShare()).isCloseTo(270 * 4096.0 / (5.0 * GIB), within(1e-12));
    assertThat(sc.fleet().guestBytes()).isEqualTo(3 * GIB);
    // headroom: 3 GiB of guests - the 160-page fleet peak
    assertThat(sc.fleet().minReclaimableBytes()).isEqualTo(3 * GIB - 160 * 4096);
  }

  @Test
  void completeOnceEveryExpectedVmOfEveryScenarioSentItsLastRecord() {
    RunSummary s = new RunSummary();
    Set<String> vms = Set.of("a", "b");
    s.add(steady(STATIC, "a", "h1", 0, S, 1).setLast(true).build());
    s.add(steady(STATIC, "b", "h1", 0, S, 1).setLast(true).build());
    assertThat(s.complete(vms, 2)).as("second scenario not seen yet").isFalse();
    assertThat(s.complete(vms, 1)).isTrue();

    s.add(steady(COIOMMU, "a", "h1", 0, S, 1).setLast(true).build());
    s.add(steady(COIOMMU, "b", "h1", 0, S, 1).build());
    assertThat(s.complete(vms, 2)).isFalse();
    assertThat(s.missing(vms)).containsExactly(COIOMMU + " / b");

    s.add(steady(COIOMMU, "b", "h1", S, 2 * S, 1).setLast(true).build());
    assertThat(s.complete(vms, 2)).isTrue();
  }

  @Test
  void contractBreachesAreCountedAndTheRecordsStillCount() {
    RunSummary s = new RunSummary();
    s.add(steady(STATIC, "a", "h1", 0, S, 1).build());
    s.add(steady(STATIC, "a", "h1", 2 * S, 3 * S, 1).build()); // gap [1 s, 2 s)
    s.add(steady(STATIC, "a", "h1", 2 * S, 3 * S, 1).setLast(true).build()); // replayed
    s.add(steady(STATIC, "a", "h2", 3 * S, 4 * S, 1).build()); // after last, other host

    assertThat(s.violations())
        .extracting(ContractViolation::kind)
        .containsExactly(
            ContractViolation.Kind.GAP, ContractViolation.Kind.OVERLAP,
            ContractViolation.Kind.AFTER_LAST, ContractViolation.Kind.VM_CHANGED);
    assertThat(s.violationCount()).isEqualTo(4);
    assertThat(s.violations().get(0).toString()).contains("GAP", STATIC, "a", "1000000000");
    assertThat(s.scenario(STATIC).vm("a").records()).isEqualTo(4);
    assertThat(s.scenario(STATIC).vm("a").total(WindowMetric.PINNED_PAGE_NANOS)).isEqualTo(4 * S);
  }

  /** Results of different VMs interleave arbitrarily; every figure must come out the same. */
  @Test
  void figuresDoNotDependOnHowVmsInterleave(@TempDir Path dir) throws Exception {
    List<List<WindowResult>> perVm = new ArrayList<>();
    for (int v = 0; v < 4; v++) {
      List<WindowResult> records = new ArrayList<>();
      for (int w = 0; w < 5; w++) {
        String scenario = v % 2 == 0 ? STATIC : COIOMMU;
        records.add(
            steady(scenario, "vm" + v, "h" + (v % 3), w * S, (w + 1) * S, (v + 1) * (w + 3))
                .setNotifications(v + w)
                .setLast(w == 4)
                .build());
      }
      perVm.add(records);
    }
    String reference = render(interleave(perVm, new Random(0)), dir.resolve("0"));
    for (int seed = 1; seed < 6; seed++) {
      assertThat(render(interleave(perVm, new Random(seed)), dir.resolve("" + seed)))
          .isEqualTo(reference);
    }
  }

  private static String render(List<WindowResult> records, Path dir) throws Exception {
    RunSummary s = new RunSummary();
    records.forEach(s::add);
    Report.write(s, dir);
    return ComparisonTable.render(s) + Files.readString(dir.resolve(Report.SUMMARY_CSV));
  }

  /** Merges per-VM sequences in a random order that keeps each VM's own order. */
  static List<WindowResult> interleave(List<List<WindowResult>> perVm, Random random) {
    List<List<WindowResult>> queues = new ArrayList<>();
    perVm.forEach(q -> queues.add(new ArrayList<>(q)));
    List<WindowResult> out = new ArrayList<>();
    while (queues.stream().anyMatch(q -> !q.isEmpty())) {
      List<WindowResult> q = queues.get(random.nextInt(queues.size()));
      if (!q.isEmpty()) {
        out.add(q.remove(0));
      }
    }
    return out;
  }
}
