package io.coiommu.producer.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.producer.RejectPolicy;
import io.coiommu.producer.TraceFiles;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.VmEvent;
import io.coiommu.producer.VmIdentity;
import io.coiommu.schema.DmaDirection;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ftrace and perf script lines of every iommu:/dma: variant, written from the TP_printk format
 * strings of include/trace/events/iommu.h and dma.h, decoded field by field.
 */
class KernelTraceFormatsTest {

  private static final VmIdentity GUEST = new VmIdentity("guest-1", "host-x", 8L << 30);

  @TempDir Path dir;

  private List<TraceEvent> read(String format, String... lines) throws IOException {
    Path file = dir.resolve("t-" + System.nanoTime() + ".txt");
    Files.writeString(file, String.join("\n", lines) + "\n");
    List<VmEvent> out = new ArrayList<>();
    try (TraceSource s = TraceFiles.open(file, format, GUEST, RejectPolicy.STRICT)) {
      s.forEachRemaining(out::add);
    }
    assertThat(out).isNotEmpty();
    assertThat(out.get(0).event().getType()).isEqualTo(EventType.VM_START);
    assertThat(out.get(0).event().getHost()).isEqualTo("host-x");
    assertThat(out.get(0).event().getGuestMemoryBytes()).isEqualTo(8L << 30);
    assertThat(out).allMatch(e -> e.vm().equals("guest-1"));
    return out.stream().skip(1).map(VmEvent::event).toList();
  }

  private static String ftrace(String event, String body) {
    return "          <idle>-0       [003] d.h2.  1234.567890: " + event + ": " + body;
  }

  @Test
  void iommuMapBeforeAndSince517() throws IOException {
    List<TraceEvent> e =
        read(
            "ftrace",
            ftrace("map", "IOMMU: iova=0x00000000fffff000 paddr=0x0000000123456000 size=4096"),
            ftrace(
                "map",
                "IOMMU: iova=0x00000000ffffe000 - 0x0000000100000000 paddr=0x0000000123457000 size=8192"));
    assertThat(e).hasSize(2);
    assertMap(
        e.get(0),
        KernelDmaEvents.UNKNOWN_DEVICE,
        0xfffff000L,
        0x123456000L,
        4096,
        DmaDirection.BIDIRECTIONAL);
    assertThat(e.get(0).getTsNs()).isEqualTo(1_234_567_890_000L);
    assertMap(
        e.get(1),
        KernelDmaEvents.UNKNOWN_DEVICE,
        0xffffe000L,
        0x123457000L,
        8192,
        DmaDirection.BIDIRECTIONAL);
    assertThat(e.get(0).getCallId()).isNotEqualTo(e.get(1).getCallId());
  }

  @Test
  void iommuUnmapBothFormatsAndTheAttachedDevice() throws IOException {
    List<TraceEvent> e =
        read(
            "ftrace",
            ftrace("attach_device_to_domain", "IOMMU: device=0000:00:04.0"),
            ftrace("unmap", "IOMMU: iova=0x00000000fffff000 size=4096 unmapped_size=4096"),
            ftrace(
                "unmap",
                "IOMMU: iova=0x00000000ffffe000 - 0x0000000100000000 size=8192 unmapped_size=8192"));
    assertThat(e).hasSize(2);
    assertThat(e)
        .allMatch(
            x ->
                x.getType() == EventType.DMA_UNMAP
                    && x.getDevice().equals("0000:00:04.0")
                    && x.getGpa() == null);
    assertThat(e.get(0).getIova()).isEqualTo(0xfffff000L);
    assertThat(e.get(1).getBytes()).isEqualTo(8192);
  }

  @Test
  void ioPageFault() throws IOException {
    List<TraceEvent> e =
        read(
            "ftrace",
            ftrace(
                "io_page_fault",
                "IOMMU:ixgbevf 0000:00:04.0 iova=0x00000000deadb000 flags=0x0002"));
    assertThat(e)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.getType()).isEqualTo(EventType.IO_PAGE_FAULT);
              assertThat(x.getDevice()).isEqualTo("0000:00:04.0");
              assertThat(x.getIova()).isEqualTo(0xdeadb000L);
            });
  }

  @Test
  void dmaMapAndUnmapPageAndPhysAndResource() throws IOException {
    List<TraceEvent> e =
        read(
            "ftrace",
            ftrace(
                "dma_map_page",
                "0000:00:04.0 dir=FROM_DEVICE dma_addr=fffff000 size=4096 phys_addr=123456000 attrs="),
            ftrace(
                "dma_unmap_page",
                "0000:00:04.0 dir=FROM_DEVICE dma_addr=fffff000 size=4096 attrs="),
            ftrace(
                "dma_map_phys",
                "0000:00:04.0 dir=TO_DEVICE dma_addr=ffffe040 size=1514 phys_addr=2000040 "
                    + "attrs=SKIP_CPU_SYNC|WEAK_ORDERING"),
            ftrace(
                "dma_unmap_phys",
                "0000:00:04.0 dir=TO_DEVICE dma_addr=ffffe040 size=1514 attrs=SKIP_CPU_SYNC"),
            ftrace(
                "dma_map_resource",
                "0000:00:04.0 dir=BIDIRECTIONAL dma_addr=fe000000 size=65536 phys_addr=fe000000 "
                    + "attrs="),
            ftrace(
                "dma_unmap_resource",
                "0000:00:04.0 dir=BIDIRECTIONAL dma_addr=fe000000 size=65536 attrs="));
    assertThat(e).hasSize(6);
    assertMap(e.get(0), "0000:00:04.0", 0xfffff000L, 0x123456000L, 4096, DmaDirection.FROM_DEVICE);
    assertUnmap(e.get(1), "0000:00:04.0", 0xfffff000L, 4096);
    assertMap(e.get(2), "0000:00:04.0", 0xffffe040L, 0x2000040L, 1514, DmaDirection.TO_DEVICE);
    assertUnmap(e.get(3), "0000:00:04.0", 0xffffe040L, 1514);
    assertMap(
        e.get(4), "0000:00:04.0", 0xfe000000L, 0xfe000000L, 65536, DmaDirection.BIDIRECTIONAL);
    assertUnmap(e.get(5), "0000:00:04.0", 0xfe000000L, 65536);
  }

  @Test
  void dmaMapSgWithEqualListsThenUnmapSgByPhysicalAddresses() throws IOException {
    List<TraceEvent> e =
        read(
            "ftrace",
            ftrace(
                "dma_map_sg",
                "0000:00:05.0 dir=TO_DEVICE dma_addrs={0xfff00000,0xfff10000} sizes={0x1000,0x2000} "
                    + "phys_addrs={0x200000000,0x200010000} attrs="),
            ftrace(
                "dma_unmap_sg",
                "0000:00:05.0 dir=TO_DEVICE phys_addrs={0x200000000,0x200010000} attrs="));
    assertThat(e).hasSize(4);
    assertMap(e.get(0), "0000:00:05.0", 0xfff00000L, 0x200000000L, 0x1000, DmaDirection.TO_DEVICE);
    assertMap(e.get(1), "0000:00:05.0", 0xfff10000L, 0x200010000L, 0x2000, DmaDirection.TO_DEVICE);
    assertThat(e.get(0).getCallId()).isEqualTo(e.get(1).getCallId());
    assertUnmap(e.get(2), "0000:00:05.0", 0xfff00000L, 0x1000);
    assertThat(e.get(2).getGpa()).isEqualTo(0x200000000L);
    assertUnmap(e.get(3), "0000:00:05.0", 0xfff10000L, 0x2000);
  }

  @Test
  void dmaMapSgWithNentsAndMergedSegments() throws IOException {
    List<TraceEvent> e =
        read(
            "ftrace",
            ftrace(
                "dma_map_sg",
                "0000:00:05.0 dir=FROM_DEVICE nents=3/3 ents=1/1 dma_addrs={0xfff00000} sizes={0x3000} "
                    + "phys_addrs={0x200000000,0x200005000,0x20000a000} attrs="));
    assertThat(e).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertMap(
          e.get(i),
          "0000:00:05.0",
          0xfff00000L + 0x1000L * i,
          0x200000000L + 0x5000L * i,
          0x1000,
          DmaDirection.FROM_DEVICE);
    }
  }

  @Test
  void dmaMapSgTruncatedMapsTheListedRanges() throws IOException {
    String dma =
        IntStream.range(0, 128)
            .mapToObj(i -> "0x" + Long.toHexString(0xf0000000L + 0x1000L * i))
            .collect(Collectors.joining(",", "{", "}"));
    String sizes =
        IntStream.range(0, 128).mapToObj(i -> "0x1000").collect(Collectors.joining(",", "{", "}"));
    String phys =
        IntStream.range(0, 128)
            .mapToObj(i -> "0x" + Long.toHexString(0x300000000L + 0x2000L * i))
            .collect(Collectors.joining(",", "{", "}"));
    List<TraceEvent> e =
        read(
            "ftrace",
            ftrace(
                "dma_map_sg",
                "0000:00:05.0 dir=FROM_DEVICE nents=128/300 ents=128/300 "
                    + "[TRUNCATED] dma_addrs="
                    + dma
                    + " sizes="
                    + sizes
                    + " phys_addrs="
                    + phys
                    + " attrs="));
    assertThat(e).hasSize(128);
    assertMap(
        e.get(127),
        "0000:00:05.0",
        0xf0000000L + 0x1000L * 127,
        0x300000000L + 0x2000L * 127,
        0x1000,
        DmaDirection.FROM_DEVICE);
  }

  @Test
  void dmaAllocAndFreeInAllThreeVersions() throws IOException {
    List<TraceEvent> e =
        read(
            "ftrace",
            ftrace(
                "dma_alloc",
                "0000:00:04.0 dma_addr=ffe00000 size=65536 phys_addr=10000000 flags=GFP_KERNEL attrs="),
            ftrace(
                "dma_alloc",
                "0000:00:04.0 dma_addr=ffd00000 size=8192 virt_addr=000000006a7d2f1c "
                    + "flags=GFP_KERNEL|__GFP_ZERO attrs="),
            ftrace(
                "dma_alloc",
                "0000:00:04.0 dir=BIDIRECTIONAL dma_addr=ffc00000 size=4096 virt_addr=00000000aa55aa55 "
                    + "flags=GFP_ATOMIC attrs="),
            ftrace(
                "dma_free", "0000:00:04.0 dma_addr=ffe00000 size=65536 phys_addr=10000000 attrs="),
            ftrace(
                "dma_free",
                "0000:00:04.0 dma_addr=ffd00000 size=8192 virt_addr=000000006a7d2f1c attrs="),
            ftrace(
                "dma_free",
                "0000:00:04.0 dir=BIDIRECTIONAL dma_addr=ffc00000 size=4096 virt_addr=00000000aa55aa55 "
                    + "attrs="));
    assertThat(e)
        .extracting(TraceEvent::getType)
        .containsExactly(
            EventType.DMA_ALLOC,
            EventType.DMA_ALLOC,
            EventType.DMA_ALLOC,
            EventType.DMA_FREE,
            EventType.DMA_FREE,
            EventType.DMA_FREE);
    assertThat(e.get(0).getGpa()).isEqualTo(0x10000000L);
    // Without phys_addr the coherent buffer is taken to sit at its DMA address.
    assertThat(e.get(1).getGpa()).isEqualTo(0xffd00000L);
    assertThat(e.get(2).getIova()).isEqualTo(0xffc00000L);
    assertThat(e.get(3).getIova()).isEqualTo(0xffe00000L);
    assertThat(e.get(5).getBytes()).isEqualTo(4096);
  }

  @Test
  void taskNamesFlagColumnsAndToolVariants() throws IOException {
    String body =
        "0000:00:04.0 dir=FROM_DEVICE dma_addr=fffff000 size=4096 phys_addr=123456000 attrs=";
    List<TraceEvent> e =
        read(
            "ftrace",
            "# tracer: nop",
            "#",
            "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION",
            "  Web Content-4567    [001] .....   100.000001: dma_map_page: " + body,
            "  (sd-pam)-890        [000] d..1    100.000002: dma_map_page: " + body,
            "  kworker/u16:2-123   [002] ..s1.   100.000003: dma:dma_map_page: " + body,
            "  <...>-1234          [003] d.h2.   100.000004: dma_map_page: " + body,
            "  bash-1977    (   1977) [000] .....   100.000005: dma_map_page: " + body,
            "  irq/12-i8042-5      [000]  100.000006: dma_map_page:         " + body,
            "  bash-1977 [000] ..... 100.000007: sched_switch: prev_comm=bash prev_pid=1977 prev_prio=120",
            "  my-task-with-dash-99 [001] ....  100.000008123: iommu:map: IOMMU: iova=0x0000000000001000 "
                + "paddr=0x0000000000002000 size=4096");
    assertThat(e).hasSize(7);
    assertThat(e)
        .extracting(TraceEvent::getTsNs)
        .containsExactly(
            100_000_001_000L,
            100_000_002_000L,
            100_000_003_000L,
            100_000_004_000L,
            100_000_005_000L,
            100_000_006_000L,
            100_000_008_123L);
  }

  @Test
  void perfScriptOfTheSameTracepoints() throws IOException {
    List<TraceEvent> e =
        read(
            "perf",
            "         swapper     0 [000] 12345.678901:                   iommu:map: IOMMU: iova=0x00000000fffff000 "
                + "paddr=0x0000000123456000 size=4096",
            "  qemu-system-x86  4321/4322 [003] 12345.678902:           dma:dma_map_page: 0000:00:04.0 dir=TO_DEVICE "
                + "dma_addr=ffffe000 size=1500 phys_addr=2000000 attrs=",
            "  Web Content  4567 [001] 12345.678903:      1 dma:dma_unmap_page: 0000:00:04.0 dir=TO_DEVICE "
                + "dma_addr=ffffe000 size=1500 attrs=",
            "  bash  1977 [000] 12345.678904: sched:sched_switch: prev_comm=bash prev_pid=1977");
    assertThat(e).hasSize(3);
    assertMap(
        e.get(0),
        KernelDmaEvents.UNKNOWN_DEVICE,
        0xfffff000L,
        0x123456000L,
        4096,
        DmaDirection.BIDIRECTIONAL);
    assertThat(e.get(0).getTsNs()).isEqualTo(12_345_678_901_000L);
    assertMap(e.get(1), "0000:00:04.0", 0xffffe000L, 0x2000000L, 1500, DmaDirection.TO_DEVICE);
    assertUnmap(e.get(2), "0000:00:04.0", 0xffffe000L, 1500);
  }

  static void assertMap(
      TraceEvent e, String device, long iova, long gpa, long bytes, DmaDirection dir) {
    assertThat(e.getType()).isEqualTo(EventType.DMA_MAP);
    assertThat(e.getDevice()).isEqualTo(device);
    assertThat(e.getIova()).isEqualTo(iova);
    assertThat(e.getGpa()).isEqualTo(gpa);
    assertThat(e.getBytes()).isEqualTo(bytes);
    assertThat(e.getDirection()).isEqualTo(dir);
  }

  static void assertUnmap(TraceEvent e, String device, long iova, long bytes) {
    assertThat(e.getType()).isEqualTo(EventType.DMA_UNMAP);
    assertThat(e.getDevice()).isEqualTo(device);
    assertThat(e.getIova()).isEqualTo(iova);
    assertThat(e.getBytes()).isEqualTo(bytes);
  }
}
