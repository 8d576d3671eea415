package io.coiommu.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.EventType;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FormatDetectionAndAzureTest {

  @TempDir Path dir;

  @Test
  void detectsEveryTextFormatFromItsFirstLines() throws IOException {
    TraceFilesFixture f = new TraceFilesFixture(dir);
    assertThat(TraceFiles.detect(f.write("a", "# tracer: nop", "#"))).isEqualTo(TraceFormat.FTRACE);
    assertThat(
            TraceFiles.detect(
                f.write(
                    "b",
                    "  kworker/0:1-12    [000]  5765.584497: dma_map_page: 0000:00:04.0 "
                        + "dir=TO_DEVICE dma_addr=1000 size=4096 phys_addr=1000 attrs=")))
        .isEqualTo(TraceFormat.FTRACE);
    assertThat(
            TraceFiles.detect(
                f.write(
                    "c",
                    "  swapper     0 [000] 12345.678901:  iommu:map: IOMMU: iova=0x1000 "
                        + "paddr=0x2000 size=4096")))
        .isEqualTo(TraceFormat.PERF);
    assertThat(
            TraceFiles.detect(
                f.write(
                    "d",
                    "12@1.000001:virtio_iommu_map domain=1 virt_start=0x0 virt_end=0xfff "
                        + "phys_start=0x0 flags=1")))
        .isEqualTo(TraceFormat.QEMU);
    assertThat(
            TraceFiles.detect(
                f.write("e", "vtd_page_walk_one domain 0x1 iova 0x0 -> gpa 0x0 mask 0xfff perm 3")))
        .isEqualTo(TraceFormat.QEMU);
    assertThat(TraceFiles.detect(f.write("f", "tsNs,vm,type", "0,a,VM_STOP")))
        .isEqualTo(TraceFormat.CSV);
    assertThat(TraceFiles.detect(f.write("g", "{\"tsNs\":0,\"vm\":\"a\",\"type\":\"VM_STOP\"}")))
        .isEqualTo(TraceFormat.JSONL);
    assertThat(TraceFiles.detect(f.write("h", AZURE_ROWS))).isEqualTo(TraceFormat.AZURE);
  }

  private static final String[] AZURE_ROWS =
      io.coiommu.producer.trace.AzureVmTableTest.ROWS.toArray(String[]::new);

  @Test
  void anAzureVmTableOpensAsAFleet() throws IOException {
    Path table = new TraceFilesFixture(dir).write("vmtable.csv", AZURE_ROWS);
    try (TraceSource s =
        TraceFiles.open(table, null, null, RejectPolicy.keepIn(dir.resolve("r")))) {
      assertThat(s.describe()).startsWith("azure vmtable vmtable.csv: 3 VMs");
      assertThat(s.next().event().getType()).isEqualTo(EventType.VM_START);
      assertThat(s.rejects().rejected()).isEqualTo(3);
    }
  }

  @Test
  void theAzureWorkloadTakesItsPlanFromTheSpec() throws IOException {
    Path table = new TraceFilesFixture(dir).write("vmtable.csv", AZURE_ROWS);
    TraceChecks checks = new TraceChecks();
    try (TraceSource s =
        Workloads.open("azure:file=" + table + ",vms=10,hosts=3,window=1d,duration=4s,load=0.05")) {
      assertThat(s.describe()).contains("3 VMs of the first 86400 s on 3 hosts, in 4 s of trace");
      s.forEachRemaining(checks::accept);
      assertThat(s.rejects().rejected()).isEqualTo(3);
    }
    assertThat(checks.started).hasSize(3);
    assertThat(java.nio.file.Files.readString(dir.resolve("vmtable.csv.rejects")))
        .contains("\t7\tTRUNCATED\t");
  }
}
