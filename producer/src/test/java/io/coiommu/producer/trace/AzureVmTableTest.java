package io.coiommu.producer.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.producer.RejectPolicy;
import io.coiommu.producer.RejectReason;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.VmEvent;
import io.coiommu.schema.EventType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class AzureVmTableTest {

  /**
   * Three VMs alive on day one, one created later, and three bad rows (5: deleted before created,
   * 6: no such memory bucket, 7: cut short).
   */
  public static final java.util.List<String> ROWS =
      java.util.List.of(
          "x1Ab2Cd3Ef4Gh5Ij6Kl7Mn8Op9Qr0St,sub1,dep1,0,2592000,99.3,10.2,80.1,Interactive,2,4",
          "y1Ab2Cd3Ef4Gh5Ij6Kl7Mn8Op9Qr0St,sub1,dep1,0,43200,50.0,5.0,30.0,Delay-insensitive,4,8",
          "z1Ab2Cd3Ef4Gh5Ij6Kl7Mn8Op9Qr0St,sub2,dep2,21600,64800,50.0,5.0,30.0,Unknown,8,>64",
          "late1b2Cd3Ef4Gh5Ij6Kl7Mn8Op9Qr0,sub2,dep3,90000,95000,1,1,1,Interactive,2,2",
          "bad1,sub2,dep3,5000,4000,1,1,1,Interactive,2,2",
          "bad2,sub2,dep3,5000,6000,1,1,1,Interactive,2,48",
          "bad3,sub2,dep3,5000");

  @TempDir Path dir;

  @Test
  void vmTableRowsBecomeVmLifecyclesScaledIntoTraceTime() throws IOException {
    Path table = dir.resolve("vmtable.csv");
    Files.write(table, ROWS);
    // One day of the table in 8.64 s of trace: 10,000 s of the table per second, at a tenth of the
    // load.
    AzureVmTable.Plan plan = new AzureVmTable.Plan(64, 2, 86_400, 8_640_000_000L, 1, 0.1);
    Map<String, Long> start = new HashMap<>();
    Map<String, Long> stop = new HashMap<>();
    Map<String, Long> memory = new HashMap<>();
    Map<String, String> host = new HashMap<>();
    Rejects rejects =
        new Rejects(table.toString(), RejectPolicy.keepIn(dir.resolve("vmtable.rejects")));
    try (TraceSource s = AzureVmTable.read(table, plan, rejects)) {
      s.forEachRemaining(
          (VmEvent e) -> {
            if (e.event().getType() == EventType.VM_START) {
              start.put(e.vm(), e.event().getTsNs());
              memory.put(e.vm(), e.event().getGuestMemoryBytes());
              host.put(e.vm(), e.event().getHost());
            } else if (e.event().getType() == EventType.VM_STOP) {
              stop.put(e.vm(), e.event().getTsNs());
            }
          });
      assertThat(s.rejects().byReason())
          .isEqualTo(Map.of(RejectReason.OUT_OF_RANGE, 2L, RejectReason.TRUNCATED, 1L));
      assertThat(s.rejects().ignored()).isEqualTo(1);
    }
    assertThat(start).containsOnlyKeys("az-0000-x1Ab2Cd3", "az-0001-y1Ab2Cd3", "az-0002-z1Ab2Cd3");
    assertThat(start.get("az-0002-z1Ab2Cd3")).isEqualTo(2_160_000_000L);
    assertThat(stop.get("az-0001-y1Ab2Cd3")).isEqualTo(4_320_000_000L);
    assertThat(stop.get("az-0002-z1Ab2Cd3")).isEqualTo(6_480_000_000L);
    assertThat(stop.get("az-0000-x1Ab2Cd3")).isEqualTo(8_640_000_000L);
    assertThat(memory.get("az-0000-x1Ab2Cd3")).isEqualTo(4L << 30);
    assertThat(memory.get("az-0002-z1Ab2Cd3")).isEqualTo(128L << 30);
    assertThat(host.values()).containsExactlyInAnyOrder("host-00", "host-01", "host-00");
  }
}
