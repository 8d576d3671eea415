package io.coiommu.producer.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.producer.RejectPolicy;
import io.coiommu.producer.RejectStats;
import io.coiommu.producer.TraceFiles;
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
 * A trace of both kernel layers shows each buffer once: the DMA-API line wins, lone IOMMU mappings
 * still count.
 */
class LayerMergeTest {

  private static final VmIdentity GUEST = new VmIdentity("g", "h", 1L << 30);

  @TempDir Path dir;

  private RejectStats stats;

  private List<TraceEvent> read(String... lines) throws IOException {
    return readAs("ftrace", lines);
  }

  private List<TraceEvent> readAs(String format, String... lines) throws IOException {
    Path file = dir.resolve("t-" + System.nanoTime() + ".txt");
    Files.write(file, List.of(lines));
    List<VmEvent> out = new ArrayList<>();
    try (TraceSource s = TraceFiles.open(file, format, GUEST, RejectPolicy.STRICT)) {
      s.forEachRemaining(out::add);
      stats = s.rejects();
    }
    return out.stream().map(VmEvent::event).filter(e -> e.getType() != EventType.VM_START).toList();
  }

  private static String line(double seconds, String event) {
    return String.format("   kworker/u64:0-12      [011] .....   %.6f: %s", seconds, event);
  }

  @Test
  void aCoherentBufferInBothLayersIsOneAllocAndOneFree() throws IOException {
    // The ath12k trace of Linux 6.12 (test resources real/ath12k-6.12-dma-iommu.txt), without its
    // page fault.
    List<TraceEvent> e =
        read(
            line(
                4.878076,
                "map: IOMMU: iova=0x00000000fe980000 - 0x00000000fea00000 paddr=0x000000010ec80000 size=524288"),
            line(
                4.878079,
                "dma_alloc: 0000:c2:00.0 dma_addr=fe980000 size=524288 virt_addr=000000006cadbcb1 "
                    + "flags=GFP_KERNEL attrs="),
            line(
                327.747763,
                "dma_free: 0000:c2:00.0 dma_addr=fe980000 size=524288 virt_addr=000000006cadbcb1 attrs="),
            line(
                327.747766,
                "unmap: IOMMU: iova=0x00000000fe980000 - 0x00000000fea00000 size=524288 unmapped_size=524288"));
    assertThat(e)
        .extracting(TraceEvent::getType)
        .containsExactly(EventType.DMA_ALLOC, EventType.DMA_FREE);
    assertThat(e.get(0).getDevice()).isEqualTo("0000:c2:00.0");
    assertThat(e.get(0).getBytes()).isEqualTo(524288);
    assertThat(stats.underDmaApi()).isEqualTo(2);
    assertThat(stats.summary()).contains("2 iommu: lines under a DMA-API call (counted once)");
  }

  @Test
  void mapPageAndMapSgWinOverTheIommuLinesInsideThem() throws IOException {
    List<TraceEvent> e =
        read(
            line(
                1.000000,
                "map: IOMMU: iova=0x00000000fffff000 - 0x0000000100000000 paddr=0x0000000012345000 size=4096"),
            line(
                1.000001,
                "dma_map_page: 0000:00:04.0 dir=FROM_DEVICE dma_addr=fffff800 size=1500 phys_addr=12345800 "
                    + "attrs="),
            line(
                1.000010,
                "map: IOMMU: iova=0x00000000ffff0000 - 0x00000000ffff2000 paddr=0x0000000022220000 size=8192"),
            line(
                1.000011,
                "dma_map_sg: 0000:00:05.0 dir=TO_DEVICE dma_addrs={0xffff0000} sizes={0x2000} "
                    + "phys_addrs={0x22220000,0x22221000} attrs="),
            line(
                1.000100,
                "unmap: IOMMU: iova=0x00000000fffff000 - 0x0000000100000000 size=4096 unmapped_size=4096"),
            line(
                1.000101,
                "dma_unmap_page: 0000:00:04.0 dir=FROM_DEVICE dma_addr=fffff800 size=1500 attrs="),
            line(
                1.000200,
                "unmap: IOMMU: iova=0x00000000ffff0000 - 0x00000000ffff2000 size=8192 unmapped_size=8192"),
            line(
                1.000201,
                "dma_unmap_sg: 0000:00:05.0 dir=TO_DEVICE phys_addrs={0x22220000,0x22221000} attrs="));
    assertThat(e)
        .extracting(TraceEvent::getType)
        .containsExactly(
            EventType.DMA_MAP,
            EventType.DMA_MAP,
            EventType.DMA_MAP,
            EventType.DMA_UNMAP,
            EventType.DMA_UNMAP,
            EventType.DMA_UNMAP);
    assertThat(e).allMatch(x -> x.getDevice().startsWith("0000:00:0"));
    // The two ranges of the sg list are one call, mapped and unmapped.
    assertThat(e.get(1).getCallId()).isEqualTo(e.get(2).getCallId());
    assertThat(e.get(4).getCallId()).isNotZero().isEqualTo(e.get(5).getCallId());
    assertThat(stats.underDmaApi()).isEqualTo(4);
  }

  @Test
  void anIommuMappingNoDmaApiLineShowsStillCountsAndItsUnmapToo() throws IOException {
    List<TraceEvent> e =
        read(
            line(
                1.000000,
                "map: IOMMU: iova=0x0000000000400000 - 0x0000000000600000 paddr=0x0000000197800000 size=2097152"),
            line(
                1.000001,
                "dma_map_page: 0000:00:04.0 dir=TO_DEVICE dma_addr=fffff000 size=4096 phys_addr=5000 attrs="),
            line(
                2.000000,
                "unmap: IOMMU: iova=0x0000000000400000 - 0x0000000000600000 size=2097152 "
                    + "unmapped_size=2097152"));
    assertThat(e)
        .extracting(TraceEvent::getType)
        .containsExactly(EventType.DMA_MAP, EventType.DMA_MAP, EventType.DMA_UNMAP);
    // Held for its hold window, the lone mapping keeps its own time and its place before later
    // events.
    assertThat(e.get(0).getIova()).isEqualTo(0x400000L);
    assertThat(e.get(0).getTsNs()).isEqualTo(1_000_000_000L);
    assertThat(e.get(2).getIova()).isEqualTo(0x400000L);
    assertThat(e.get(2).getBytes()).isEqualTo(2097152);
    assertThat(stats.underDmaApi()).isZero();
  }

  @Test
  void aLazyUnmapOverSeveralBuffersIsDroppedWhereDmaApiBuffersWereAndPassedWhereLoneMappingsWere()
      throws IOException {
    List<TraceEvent> e =
        read(
            line(
                1.000000,
                "map: IOMMU: iova=0x0000000000010000 - 0x0000000000011000 paddr=0x0000000000a00000 size=4096"),
            line(
                1.000001,
                "dma_map_page: d0 dir=TO_DEVICE dma_addr=10000 size=4096 phys_addr=a00000 attrs="),
            line(
                1.000010,
                "map: IOMMU: iova=0x0000000000011000 - 0x0000000000012000 paddr=0x0000000000b00000 size=4096"),
            line(
                1.000011,
                "dma_map_page: d0 dir=TO_DEVICE dma_addr=11000 size=4096 phys_addr=b00000 attrs="),
            line(
                1.000020,
                "map: IOMMU: iova=0x0000000000012000 - 0x0000000000014000 paddr=0x0000000000c00000 size=8192"),
            line(1.100000, "dma_unmap_page: d0 dir=TO_DEVICE dma_addr=10000 size=4096 attrs="),
            line(1.100001, "dma_unmap_page: d0 dir=TO_DEVICE dma_addr=11000 size=4096 attrs="),
            // The flush queue's late unmap covers both DMA-API buffers and half of the lone
            // mapping.
            line(
                1.200000,
                "unmap: IOMMU: iova=0x0000000000010000 - 0x0000000000013000 size=12288 unmapped_size=12288"),
            line(
                1.300000,
                "unmap: IOMMU: iova=0x0000000000010000 - 0x0000000000011000 size=4096 unmapped_size=4096"));
    assertThat(e)
        .extracting(TraceEvent::getType)
        .containsExactly(
            EventType.DMA_MAP,
            EventType.DMA_MAP,
            EventType.DMA_MAP,
            EventType.DMA_UNMAP,
            EventType.DMA_UNMAP,
            EventType.DMA_UNMAP,
            EventType.DMA_UNMAP);
    assertThat(e.get(2).getIova()).isEqualTo(0x12000L);
    // Only the lone mapping's part of the lazy unmap passes: its first page.
    assertThat(e.get(5).getIova()).isEqualTo(0x12000L);
    assertThat(e.get(5).getBytes()).isEqualTo(4096);
    // An unmap of a range no mapping holds any more passes as it is: the emulator reports it.
    assertThat(e.get(6).getIova()).isEqualTo(0x10000L);
    assertThat(stats.underDmaApi()).isEqualTo(2);
  }

  private static String iommuMap(double seconds, long iova, long paddr) {
    return line(
        seconds,
        String.format(
            "map: IOMMU: iova=0x%016x - 0x%016x paddr=0x%016x size=4096",
            iova, iova + 4096, paddr));
  }

  private static String iommuUnmap(double seconds, long iova, long bytes) {
    return line(
        seconds,
        String.format(
            "unmap: IOMMU: iova=0x%016x - 0x%016x size=%d unmapped_size=%d",
            iova, iova + bytes, bytes, bytes));
  }

  @Test
  void theSegmentsOfAnSgMapThatOneUnmapLineRemovesAreOneCallEvenAcrossAnInterruptsUnmap()
      throws IOException {
    List<TraceEvent> e =
        read(
            iommuMap(1.000010, 0x9000, 0x1000),
            iommuMap(1.000020, 0x1000, 0x7000),
            iommuMap(1.000021, 0x2000, 0x8000),
            // An interrupt completes the single-page request between the second and third segments.
            iommuUnmap(1.000022, 0x9000, 4096),
            iommuMap(1.000023, 0x3000, 0x5000),
            iommuUnmap(1.000040, 0x1000, 3 * 4096));

    assertThat(e)
        .extracting(TraceEvent::getType)
        .containsExactly(
            EventType.DMA_MAP,
            EventType.DMA_MAP,
            EventType.DMA_MAP,
            EventType.DMA_MAP,
            EventType.DMA_UNMAP,
            EventType.DMA_UNMAP,
            EventType.DMA_UNMAP,
            EventType.DMA_UNMAP);
    // The three segments follow each other, with the first one's call id and time.
    assertThat(e.subList(1, 4))
        .extracting(TraceEvent::getIova)
        .containsExactly(0x1000L, 0x2000L, 0x3000L);
    assertThat(e.subList(1, 4))
        .extracting(TraceEvent::getCallId)
        .containsOnly(e.get(1).getCallId());
    assertThat(e.subList(1, 4)).extracting(TraceEvent::getTsNs).containsOnly(1_000_020_000L);
    assertThat(e.get(0).getCallId()).isNotEqualTo(e.get(1).getCallId());
    // The interrupt's unmap stays whole; the range unmap is one unmap per mapping, all in one call.
    assertThat(e.get(4).getIova()).isEqualTo(0x9000L);
    assertThat(e.get(4).getCallId()).isNotZero();
    assertThat(e.subList(5, 8))
        .extracting(TraceEvent::getIova)
        .containsExactly(0x1000L, 0x2000L, 0x3000L);
    assertThat(e.subList(5, 8)).extracting(TraceEvent::getBytes).containsOnly(4096L);
    assertThat(e.subList(5, 8))
        .extracting(TraceEvent::getCallId)
        .containsOnly(e.get(5).getCallId());
    assertThat(e.get(5).getCallId()).isNotIn(0L, e.get(4).getCallId());
  }

  @Test
  void adjacentSinglePageMapsUnmappedOneByOneStayCallsOfTheirOwn() throws IOException {
    // The IOVA allocator hands out adjacent pages to separate dma_map_page calls: adjacency alone
    // is no sg call.
    List<TraceEvent> e =
        read(
            iommuMap(1.000000, 0x1000, 0x7000),
            iommuMap(1.000030, 0x2000, 0x8000),
            iommuUnmap(1.000050, 0x2000, 4096),
            iommuMap(1.000060, 0x3000, 0x9000),
            iommuUnmap(1.000070, 0x1000, 4096),
            iommuUnmap(1.000080, 0x3000, 4096));

    assertThat(e)
        .extracting(TraceEvent::getType)
        .containsExactly(
            EventType.DMA_MAP,
            EventType.DMA_MAP,
            EventType.DMA_UNMAP,
            EventType.DMA_MAP,
            EventType.DMA_UNMAP,
            EventType.DMA_UNMAP);
    assertThat(e)
        .extracting(TraceEvent::getTsNs)
        .containsExactly(
            1_000_000_000L,
            1_000_030_000L,
            1_000_050_000L,
            1_000_060_000L,
            1_000_070_000L,
            1_000_080_000L);
    assertThat(e).extracting(TraceEvent::getCallId).doesNotHaveDuplicates();
  }

  @Test
  void aTraceOfOneLayerPassesUnchanged() throws IOException {
    List<TraceEvent> e =
        read(
            line(
                1.0,
                "dma_map_page: d0 dir=TO_DEVICE dma_addr=10000 size=4096 phys_addr=a00000 attrs="),
            line(1.1, "dma_unmap_page: d0 dir=TO_DEVICE dma_addr=10000 size=4096 attrs="),
            line(1.2, "map: IOMMU: iova=0x0000000000010000 paddr=0x0000000000a00000 size=4096"),
            line(1.3, "unmap: IOMMU: iova=0x0000000000010000 size=4096 unmapped_size=4096"));
    assertThat(e)
        .extracting(TraceEvent::getTsNs)
        .containsExactly(1_000_000_000L, 1_100_000_000L, 1_200_000_000L, 1_300_000_000L);
    assertThat(stats.underDmaApi()).isZero();
  }

  @Test
  void perfScriptOfBothLayersIsMergedAlike() throws IOException {
    List<TraceEvent> e =
        readAs(
            "perf",
            "  qemu-system-x86  4321/4322 [003] 12345.678901:                   iommu:map: IOMMU: "
                + "iova=0x00000000fffff000 paddr=0x0000000002000000 size=4096",
            "  qemu-system-x86  4321/4322 [003] 12345.678902:           dma:dma_map_page: 0000:00:04.0 dir=TO_DEVICE "
                + "dma_addr=fffff000 size=1500 phys_addr=2000000 attrs=");
    assertThat(e).extracting(TraceEvent::getType).containsExactly(EventType.DMA_MAP);
    assertThat(e.get(0).getDevice()).isEqualTo("0000:00:04.0");
    assertThat(stats.underDmaApi()).isEqualTo(1);
  }
}
