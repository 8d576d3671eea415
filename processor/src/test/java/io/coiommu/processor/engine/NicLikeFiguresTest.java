package io.coiommu.processor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.WindowResult;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The eight default scenarios on a NIC-like workload (8 GiB guest, 60 s, 10k packets/s each way):
 * the comparison the pipeline exists for. Prints the figures (peak and average pinned,
 * notifications per second, host CPU per second) and checks the orderings the model predicts.
 */
class NicLikeFiguresTest {

  private static final long GIB = 1L << 30;
  private static final long SECONDS = 60;
  private static final double MIB = 1 << 20;

  @Test
  void defaultScenariosOnANicLikeTrace() {
    List<Scenario> scenarios = ScenarioSpec.parse(ScenarioSpec.DEFAULTS);
    VmEmulator emu = new VmEmulator("nic-vm", scenarios, EngineConfig.defaults());
    Collected out = new Collected();
    new NicLikeWorkload(8 * GIB, SECONDS * 1_000_000_000L, 10_000).play(e -> emu.onEvent(e, out));
    assertThat(emu.finished()).isTrue();
    assertThat(out.anomalies).isEmpty();

    StringBuilder table =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%-72s %10s %10s %10s %12s %10s%n",
                "scenario",
                "peak MiB",
                "avg MiB",
                "notif",
                "notif/s",
                "cpu ms/s"));
    for (Scenario s : scenarios) {
      String n = s.name();
      double avgBytes =
          (double) out.sum(n, WindowResult::getPinnedPageNanos) * 4096 / (SECONDS * 1e9);
      table.append(
          String.format(
              Locale.ROOT,
              "%-72s %10.1f %10.1f %10d %12.1f %10.2f%n",
              n,
              out.max(n, WindowResult::getPeakPinnedPages) * 4096 / MIB,
              avgBytes / MIB,
              out.sum(n, WindowResult::getNotifications),
              out.sum(n, WindowResult::getNotifications) / (double) SECONDS,
              out.sum(n, WindowResult::getCpuCostNs) / 1e6 / SECONDS));
      assertThat(out.sum(n, WindowResult::getDmaSafetyViolations)).as(n).isZero();
    }
    System.out.print(table);

    String coiommu = scenarios.get(4).name();
    long staticPeak = out.max("static", WindowResult::getPeakPinnedPages);
    long coiommuPeak = out.max(coiommu, WindowResult::getPeakPinnedPages);
    long oraclePeak = out.max("oracle", WindowResult::getPeakPinnedPages);
    assertThat(staticPeak).isEqualTo(8 * GIB / 4096);
    assertThat(oraclePeak).isLessThanOrEqualTo(coiommuPeak);
    // coIOMMU pins the DMA working set (rings, RX pool, TX slab: about 48 MiB), a sliver of the
    // guest.
    assertThat(coiommuPeak * 4096).isLessThan(64L << 20);
    long strictNotif = out.sum("viommu-strict", WindowResult::getNotifications);
    long coiommuNotif = out.sum(coiommu, WindowResult::getNotifications);
    assertThat(strictNotif).isGreaterThan(100 * coiommuNotif);
    assertThat(out.sum(scenarios.get(5).name(), WindowResult::getNotifications))
        .isGreaterThan(coiommuNotif);
    assertThat(out.sum(scenarios.get(6).name(), WindowResult::getNotifications))
        .isGreaterThan(coiommuNotif);
    assertThat(out.sum("viommu-lazy", WindowResult::getNotifications)).isLessThan(strictNotif);
  }
}
