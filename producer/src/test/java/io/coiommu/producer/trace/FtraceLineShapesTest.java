package io.coiommu.producer.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.producer.RejectPolicy;
import io.coiommu.producer.RejectReason;
import io.coiommu.producer.RejectStats;
import io.coiommu.producer.TraceFiles;
import io.coiommu.producer.TraceFormat;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.VmEvent;
import io.coiommu.producer.VmIdentity;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every line shape the kernel and trace-cmd print is read; a line that lost its prefix is rejected
 * alone.
 */
class FtraceLineShapesTest {

  private static final VmIdentity GUEST = new VmIdentity("g", "h", 1L << 30);
  private static final String MAP =
      "map: IOMMU: iova=0x0000000000001000 - 0x0000000000002000 "
          + "paddr=0x0000000000005000 size=4096";

  @TempDir Path dir;

  private RejectStats stats;

  private Path write(List<String> lines) throws IOException {
    Path file = dir.resolve("t-" + System.nanoTime() + ".txt");
    Files.write(file, lines);
    return file;
  }

  private List<TraceEvent> read(Path file) throws IOException {
    List<VmEvent> out = new ArrayList<>();
    try (TraceSource s =
        TraceFiles.open(
            file, null, GUEST, RejectPolicy.keepIn(dir.resolve(file.getFileName() + ".rejects")))) {
      s.forEachRemaining(out::add);
      stats = s.rejects();
    }
    return out.stream().map(VmEvent::event).filter(e -> e.getType() != EventType.VM_START).toList();
  }

  /** The same map event behind each prefix the kernel, distributions and trace-cmd print. */
  private static final List<String> PREFIXES =
      List.of(
          "          <idle>-0       [003]   1234.567890: ",
          "          <idle>-0       [003] d.h2  1234.567890: ",
          "          <idle>-0       [003] d.h2.  1234.567890: ",
          "        qemu-kvm-4575    [008] d..2..  1234.567890: ",
          "        qemu-kvm-4575    [008] .......   1234.567890: ",
          "        qemu-kvm-4575    [008] dNh2..1.   1234.567890: ",
          "     bash-1977    (   1977) [000] .....  1234.567890: ",
          "     bash-1977    (-------) [000] .......  1234.567890: ",
          "  Web Content-4567    [001] .....  1234.567890: ",
          "  kworker/u16:2-123   [002] ..s1.  1234.567890: ",
          "   (udev-worker)-532     [010] .....     1234.567890: ",
          "  irq/26-AMD-Vi-154     [006] .......   1234.567890: iommu:",
          "  gem_exec_gttfil-1010    [004] .N...    1234.567890: ");

  @Test
  void everyPrefixShapeIsReadAsTheSameEvent() throws IOException {
    for (String prefix : PREFIXES) {
      List<TraceEvent> e = read(write(List.of(prefix + MAP)));
      assertThat(e).as(prefix).hasSize(1);
      assertThat(e.get(0).getType()).isEqualTo(EventType.DMA_MAP);
      assertThat(e.get(0).getTsNs()).as(prefix).isEqualTo(1_234_567_890_000L);
      assertThat(e.get(0).getIova()).isEqualTo(0x1000L);
      assertThat(e.get(0).getGpa()).isEqualTo(0x5000L);
      assertThat(stats.rejected()).isZero();
    }
  }

  @Test
  void aSevenCharacterFlagsTraceWithoutHeaderIsDetectedAsFtraceAndReadWhole() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      lines.add(
          String.format(
              "        qemu-kvm-4575    [008] .......   438.3085%02d: map: IOMMU: "
                  + "iova=0x%016x - 0x%016x paddr=0x00000001a6800000 size=4096",
              i, i * 0x1000L, i * 0x1000L + 0x1000));
    }
    Path file = write(lines);
    assertThat(TraceFiles.detect(file)).isEqualTo(TraceFormat.FTRACE);
    assertThat(read(file)).hasSize(16);
    assertThat(stats.rejected()).isZero();
  }

  @Test
  void traceCmdHeadersAreIgnored() throws IOException {
    List<TraceEvent> e =
        read(
            write(
                List.of(
                    "version = 6",
                    "CPU 0 is empty",
                    "CPU 2 is empty",
                    "cpus=4",
                    "CPU1 data recorded at offset=0x5a6000",
                    "    4096 bytes in size",
                    "     bash-1977  [001]  1234.567890: " + MAP)));
    assertThat(e).hasSize(1);
    assertThat(stats.ignored()).isEqualTo(6);
    assertThat(stats.rejected()).isZero();
  }

  @Test
  void aLineThatLostItsPrefixIsRejectedAloneAndItsNeighboursAreRead() throws IOException {
    List<TraceEvent> e =
        read(
            write(
                List.of(
                    "# tracer: nop",
                    "   (udev-worker)-532     [010] .....     4.878076: map: IOMMU: iova=0x00000000fe980000 -",
                    "0x00000000fea00000 paddr=0x000000010ec80000 size=524288",
                    "                                                     " + MAP,
                    "   (udev-worker)-532     [010] .....     4.878079: dma_map_page: 0000:c2:00.0 dir=TO_DEVICE "
                        + "dma_addr=fe980000 size=4096 phys_addr=10ec80000 attrs=",
                    "   (udev-worker)-532     [010] .....     4.878080: dma_unmap_page: 0000:c2:00.0 dir=TO_DEVICE "
                        + "dma_addr=fe980000 size=4096 attrs=")));
    assertThat(e)
        .extracting(TraceEvent::getType)
        .containsExactly(EventType.DMA_MAP, EventType.DMA_UNMAP);
    assertThat(stats.rejected()).isEqualTo(3);
    assertThat(stats.byReason().get(RejectReason.MALFORMED)).isEqualTo(2);
    assertThat(stats.byReason().get(RejectReason.TRUNCATED)).isEqualTo(1);
  }
}
