package io.coiommu.producer.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trace lines people posted from their own machines (resources real/, SOURCES.md): each file read
 * as expected.
 */
class RealTracesTest {

  private static final VmIdentity GUEST = new VmIdentity("g", "h", 64L << 30);

  @TempDir Path dir;

  private RejectStats stats;
  private List<TraceEvent> events;

  private Path resource(String name) throws IOException {
    Path file = dir.resolve(name);
    try (InputStream in = getClass().getResourceAsStream("/real/" + name)) {
      assertThat(in).as(name).isNotNull();
      Files.copy(in, file);
    }
    return file;
  }

  /** Events per type, without the VM_START the reader supplies. */
  private Map<EventType, Integer> read(Path file, String format) throws IOException {
    List<VmEvent> out = new ArrayList<>();
    try (TraceSource s =
        TraceFiles.open(file, format, GUEST, RejectPolicy.keepIn(dir.resolve("rejects")))) {
      s.forEachRemaining(out::add);
      stats = s.rejects();
    }
    events =
        out.stream().map(VmEvent::event).filter(e -> e.getType() != EventType.VM_START).toList();
    Map<EventType, Integer> byType = new TreeMap<>();
    events.forEach(e -> byType.merge(e.getType(), 1, Integer::sum));
    return byType;
  }

  @Test
  void ath12kOnLinux612BothLayersOneCoherentBuffer() throws IOException {
    Path file = resource("ath12k-6.12-dma-iommu.txt");
    assertThat(TraceFiles.detect(file)).isEqualTo(TraceFormat.FTRACE);
    assertThat(read(file, null))
        .isEqualTo(
            Map.of(EventType.DMA_ALLOC, 1, EventType.DMA_FREE, 1, EventType.IO_PAGE_FAULT, 1));
    assertThat(events.get(0).getBytes()).isEqualTo(524288);
    assertThat(events.get(0).getDevice()).isEqualTo("0000:c2:00.0");
    assertThat(events.get(2).getDevice()).isEqualTo("0000:c2:00.0");
    assertThat(stats.underDmaApi()).isEqualTo(2);
    assertThat(stats.rejected()).isZero();
  }

  @Test
  void centosStream9HostTraceWithSevenFlagCharacters() throws IOException {
    Path file = resource("centos-stream9-qemu-kvm-host.txt");
    assertThat(TraceFiles.detect(file)).isEqualTo(TraceFormat.FTRACE);
    assertThat(read(file, null)).isEqualTo(Map.of(EventType.DMA_MAP, 13, EventType.DMA_UNMAP, 2));
    assertThat(stats.linesRead()).isEqualTo(16);
    assertThat(stats.byReason()).isEqualTo(Map.of(RejectReason.MALFORMED, 1L));
    assertThat(events.get(events.size() - 1).getTsNs()).isEqualTo(17_317_899_230_000L);
  }

  @Test
  void i915MapWithNeedReschedFlag() throws IOException {
    assertThat(read(resource("intel-gfx-next-20251106.txt"), null))
        .isEqualTo(Map.of(EventType.DMA_MAP, 1));
    assertThat(events.get(0).getIova()).isEqualTo(0x3fffffc00000L);
    assertThat(events.get(0).getBytes()).isEqualTo(4194304);
  }

  @Test
  void amdViPageFaultsWithFourFlagCharacters() throws IOException {
    assertThat(read(resource("amd-vi-io-page-fault.txt"), null))
        .isEqualTo(Map.of(EventType.IO_PAGE_FAULT, 6));
    assertThat(events).allMatch(e -> e.getDevice().equals("0000:05:00.0"));
    assertThat(events.get(5).getIova()).isEqualTo(0x914826a0L);
  }

  @Test
  void qemuIommufdTraceIsNotReadAndSaysSo() throws IOException {
    Path file = resource("qemu-iommufd-mdev.txt");
    assertThat(read(file, "qemu")).isEmpty();
    assertThat(stats.ignored()).isEqualTo(11);
    assertThat(stats.rejected()).isZero();
    TraceSource source =
        TraceFiles.open(file, "qemu", GUEST, RejectPolicy.keepIn(dir.resolve("rejects")));
    assertThatThrownBy(() -> TraceReaders.requireEvents(file, source))
        .isInstanceOf(NoDmaEventsException.class)
        .hasMessage(
            "no DMA event in "
                + file
                + ": none of its 11 lines is an event this tool reads (11 ignored: "
                + "headers, comments, other events)");
  }
}
