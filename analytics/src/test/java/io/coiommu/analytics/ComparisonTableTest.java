package io.coiommu.analytics;

import static io.coiommu.analytics.Results.GIB;
import static io.coiommu.analytics.Results.S;
import static io.coiommu.analytics.Results.STATIC;
import static io.coiommu.analytics.Results.span;
import static io.coiommu.analytics.Results.steady;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ComparisonTableTest {

  static final String ABLATION =
      "coiommu:unpin=lru,interval=10s,limit=8192,gen=10,smart=off,lazy=off,pin-ahead=0,cost-exit-ns=1500";

  /**
   * Two 1 GiB VMs over 10 s. static: both fully pinned (262144 pages each) -> peak and avg 2048
   * MiB, 100 %. The ablation: vm1 at 2560 pages (10 MiB) then vm2 at 5120 pages (20 MiB) in second
   * 5 only, so the fleet peaks at 30 MiB (1.46 % of 2 GiB) in window 5; 40 notifications over 10 s
   * = 4.0 /s. Its average: vm1 10 MiB x 10 s + vm2 20 MiB x 1 s over 10 s = 12 MiB, 0.59 % of 2 GiB
   * alive.
   */
  static RunSummary twoScenarios() {
    RunSummary s = new RunSummary();
    long all = GIB / 4096;
    for (String vm : new String[] {"vm1", "vm2"}) {
      s.add(steady(STATIC, vm, "h1", 0, 10 * S, all).setBootPinnedPages(all).setLast(true).build());
    }
    s.add(
        steady(ABLATION, "vm1", "h1", 0, 10 * S, 2560)
            .setNotifications(30)
            .setExits(30)
            .setLast(true)
            .build());
    s.add(steady(ABLATION, "vm2", "h1", 0, 5 * S, 0).setNotifications(10).setExits(10).build());
    s.add(steady(ABLATION, "vm2", "h1", 5 * S, 6 * S, 5120).build());
    s.add(span(ABLATION, "vm2", "h1", 6 * S, 10 * S).setLast(true).build());
    return s;
  }

  @Test
  void showsFleetFiguresPerScenarioWithEveryParameter() {
    String table = ComparisonTable.render(twoScenarios());

    assertThat(table).contains("Fleet of 2 VMs on 1 hosts, 10.0 s of trace time, 2 scenarios.");
    String staticRow = line(table, "static ");
    assertThat(staticRow.trim().split(" +"))
        .containsExactly("static", "2048.0", "100.00", "2048.0", "100.00", "0", "0.0", "0", "0");
    String ablationRow = line(table, "coiommu ");
    assertThat(ablationRow.trim().split(" +"))
        .containsExactly("coiommu", "30.0", "1.46", "12.0", "0.59", "40", "4.0", "40", "0");
    // The only coiommu row shares all its parameters with itself: they go in the legend, none is
    // lost.
    assertThat(table)
        .contains(
            "\ncoiommu: unpin=lru,interval=10s,limit=8192,gen=10,smart=off,lazy=off,pin-ahead=0,"
                + "cost-exit-ns=1500\n");
    assertThat(table).contains("not a sum of per-VM peaks").doesNotContain("WARNING");
  }

  @Test
  void namesTheCostModelWhenGiven() {
    RunSummary s = twoScenarios();
    assertThat(ComparisonTable.render(s)).doesNotContain("cost model");
    s.setCostModel("exit.mmio=12us,pin=300ns");
    assertThat(ComparisonTable.render(s)).contains("CPU cost model: exit.mmio=12us,pin=300ns");
    assertThat(SummaryJson.of(s).get("cost_model").asText()).isEqualTo("exit.mmio=12us,pin=300ns");
    s.setCostModel(
        "exit.ioeventfd=2us,exit.mmio=12us,exit.kick=3us,pin=300ns,unpin=200ns,vfio.map=1us,"
            + "vfio.unmap=1us,iotlb.inv=500ns,iopf=300us,lru.scan=10ns");
    assertThat(ComparisonTable.render(s).lines().mapToInt(String::length).max().orElseThrow())
        .isLessThanOrEqualTo(120);
    assertThat(ComparisonTable.render(s).replaceAll("\\n  ", "")).contains("lru.scan=10ns");
  }

  @Test
  void fitsA120ColumnTerminal() {
    assertThat(
            Arrays.stream(ComparisonTable.render(twoScenarios()).split("\n"))
                .mapToInt(String::length)
                .max()
                .orElseThrow())
        .isLessThanOrEqualTo(120);
  }

  @Test
  void warnsAboutUnsafeDma() {
    RunSummary s = new RunSummary();
    s.add(span(STATIC, "vm1", "h1", 0, S).setDmaSafetyViolations(2).setLast(true).build());
    assertThat(ComparisonTable.render(s)).contains("WARNING: 2 DMA safety violations");
  }

  @Test
  void wrapsSpecsAtCommas() {
    assertThat(ComparisonTable.wrap("a:b=1,c=2,d=3", 8)).containsExactly("a:b=1,", "c=2,d=3");
    assertThat(ComparisonTable.wrap("abcdefghij", 4)).containsExactly("abcd", "efgh", "ij");
    assertThat(ComparisonTable.wrap("static", 38)).containsExactly("static");
  }

  private static String line(String table, String prefix) {
    return Arrays.stream(table.split("\n"))
        .filter(l -> l.startsWith(prefix))
        .findFirst()
        .orElseThrow();
  }
}
