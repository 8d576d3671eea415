package io.coiommu.producer.trace;

import static io.coiommu.producer.trace.KernelTraceFormatsTest.assertMap;
import static io.coiommu.producer.trace.KernelTraceFormatsTest.assertUnmap;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QEMU trace logs (from hw/virtio and hw/i386 trace-events format strings) and the project's CSV
 * and JSON lines.
 */
class QemuAndProjectFormatsTest {

  private static final VmIdentity GUEST = new VmIdentity("guest-1", "host-x", 4L << 30);

  @TempDir Path dir;

  private List<VmEvent> read(String format, VmIdentity identity, String... lines)
      throws IOException {
    Path file = dir.resolve("t-" + System.nanoTime());
    Files.writeString(file, String.join("\n", lines) + "\n");
    List<VmEvent> out = new ArrayList<>();
    try (TraceSource s = TraceFiles.open(file, format, identity, RejectPolicy.STRICT)) {
      s.forEachRemaining(out::add);
    }
    return out;
  }

  private List<TraceEvent> qemu(String... lines) throws IOException {
    List<VmEvent> out = read("qemu", GUEST, lines);
    assertThat(out.get(0).event().getType()).isEqualTo(EventType.VM_START);
    return out.stream().skip(1).map(VmEvent::event).toList();
  }

  @Test
  void virtioIommuMapAndRangeUnmapWithTheAttachedEndpoint() throws IOException {
    List<TraceEvent> e =
        qemu(
            "4242@1700000000.000100:virtio_iommu_attach domain=1 endpoint=24",
            "4242@1700000000.000200:virtio_iommu_map domain=1 virt_start=0xfff00000 virt_end=0xfff00fff "
                + "phys_start=0x12345000 flags=2",
            "4242@1700000000.000300:virtio_iommu_map domain=1 virt_start=0xfff01000 virt_end=0xfff02fff "
                + "phys_start=0x22345000 flags=3",
            "4242@1700000000.000400:virtio_iommu_unmap domain=1 virt_start=0xfff00000 virt_end=0xfff02fff",
            "4242@1700000000.000401:virtio_iommu_unmap_done domain=1 virt_start=0xfff00000 virt_end=0xfff00fff");
    assertThat(e).hasSize(4);
    // Endpoint 24 = requester id 0x18: bus 0, device 3, function 0.
    assertMap(e.get(0), "0000:00:03.0", 0xfff00000L, 0x12345000L, 4096, DmaDirection.FROM_DEVICE);
    assertThat(e.get(0).getTsNs()).isEqualTo(1_700_000_000_000_200_000L);
    assertMap(e.get(1), "0000:00:03.0", 0xfff01000L, 0x22345000L, 8192, DmaDirection.BIDIRECTIONAL);
    assertUnmap(e.get(2), "0000:00:03.0", 0xfff00000L, 4096);
    assertThat(e.get(2).getGpa()).isEqualTo(0x12345000L);
    assertUnmap(e.get(3), "0000:00:03.0", 0xfff01000L, 8192);
  }

  @Test
  void intelIommuPageWalkAfterEachInvalidationWithoutTimePrefix() throws IOException {
    List<TraceEvent> e =
        qemu(
            "vtd_inv_desc_iotlb_pages iotlb invalidate domain 0x1 addr 0xfff00000 mask 0x0",
            "vtd_page_walk_one domain 0x1 iova 0xfff00000 -> gpa 0x12345000 mask 0xfff perm 3",
            "vtd_page_walk_one domain 0x1 iova 0xfff01000 -> gpa 0x12346000 mask 0xfff perm 1",
            "vtd_inv_desc_iotlb_pages iotlb invalidate domain 0x1 addr 0xfff02000 mask 0x0",
            "vtd_page_walk_one domain 0x1 iova 0xfff02000 -> gpa 0x12347000 mask 0xfff perm 2",
            "vtd_page_walk_one domain 0x1 iova 0xfff00000 -> gpa 0x0 mask 0xfff perm 0");
    assertThat(e).hasSize(4);
    assertMap(
        e.get(0), "dmar-domain-1", 0xfff00000L, 0x12345000L, 4096, DmaDirection.BIDIRECTIONAL);
    assertMap(e.get(1), "dmar-domain-1", 0xfff01000L, 0x12346000L, 4096, DmaDirection.TO_DEVICE);
    assertMap(e.get(2), "dmar-domain-1", 0xfff02000L, 0x12347000L, 4096, DmaDirection.FROM_DEVICE);
    assertThat(e.get(0).getCallId())
        .isEqualTo(e.get(1).getCallId())
        .isNotEqualTo(e.get(2).getCallId());
    assertUnmap(e.get(3), "dmar-domain-1", 0xfff00000L, 4096);
    // No prefix, no time: one microsecond per line, in file order.
    assertThat(e.get(0).getTsNs()).isEqualTo(2_000L);
  }

  @Test
  void balloonPagesFollowTheTarget() throws IOException {
    List<TraceEvent> e =
        qemu(
            "1@10.000001:virtio_balloon_to_target balloon target: 0x40000000 num_pages: 2",
            "1@10.000002:virtio_balloon_handle_output section name: pc.ram gpa: 0x7f000000",
            "1@10.000003:virtio_balloon_handle_output section name: pc.ram gpa: 0x7f001000",
            "1@10.000004:virtio_balloon_set_config actual: 2 oldactual: 0",
            "1@20.000000:virtio_balloon_to_target balloon target: 0x80000000 num_pages: 0",
            "1@20.000001:virtio_balloon_handle_output section name: pc.ram gpa: 0x7f000000");
    assertThat(e)
        .extracting(TraceEvent::getType)
        .containsExactly(
            EventType.BALLOON_INFLATE, EventType.BALLOON_INFLATE, EventType.BALLOON_DEFLATE);
    assertThat(e.get(1).getGpa()).isEqualTo(0x7f001000L);
    assertThat(e.get(2).getBytes()).isEqualTo(4096);
  }

  @Test
  void projectCsvWithHeaderInAnyOrderAndHexNumbers() throws IOException {
    List<VmEvent> e =
        read(
            "csv",
            null,
            "# written by hand",
            "tsNs,vm,type,device,iova,gpa,bytes,direction,callId,guestMemoryBytes,host",
            "0,vm-a,VM_START,,,,,,,8589934592,host-1",
            "1000,vm-a,DMA_MAP,0000:03:00.0,0xfff00000,0x12345000,4096,FROM_DEVICE,7,,",
            "2000,vm-a,DMA_UNMAP,0000:03:00.0,0xfff00000,,4096,,,,",
            "3000,vm-a,BALLOON_INFLATE,,,0x40000000,1048576,,,,",
            "4000,vm-a,VM_STOP,,,,,,,,");
    assertThat(e).extracting(VmEvent::vm).containsOnly("vm-a");
    assertThat(e.get(0).event().getGuestMemoryBytes()).isEqualTo(8L << 30);
    assertThat(e.get(0).event().getHost()).isEqualTo("host-1");
    assertMap(
        e.get(1).event(), "0000:03:00.0", 0xfff00000L, 0x12345000L, 4096, DmaDirection.FROM_DEVICE);
    assertThat(e.get(1).event().getCallId()).isEqualTo(7);
    assertUnmap(e.get(2).event(), "0000:03:00.0", 0xfff00000L, 4096);
    assertThat(e.get(2).event().getGpa()).isNull();
    assertThat(e.get(3).event().getBytes()).isEqualTo(1 << 20);
    assertThat(e.get(4).event().getType()).isEqualTo(EventType.VM_STOP);

    List<VmEvent> reordered =
        read("csv", GUEST, "type,ts_ns,device,gpa,bytes", "DMA_ACCESS,5,0000:03:00.0,0x1000,64");
    // Rows without a vm belong to the given identity, which supplies the VM_START.
    assertThat(reordered).hasSize(2);
    assertThat(reordered.get(0).event().getType()).isEqualTo(EventType.VM_START);
    assertThat(reordered.get(1).vm()).isEqualTo("guest-1");
  }

  @Test
  void projectJsonLines() throws IOException {
    List<VmEvent> e =
        read(
            "jsonl",
            null,
            "{\"tsNs\": 0, \"vm\": \"vm-j\", \"type\": \"VM_START\", \"guestMemoryBytes\": 4294967296, \"host\": \"h\"}",
            "{\"tsNs\": 10, \"vm\": \"vm-j\", \"type\": \"DMA_MAP\", \"device\": \"0000:04:00.0\", \"iova\": \"0x1000\","
                + " \"gpa\": 8192, \"bytes\": 4096, \"direction\": \"TO_DEVICE\", \"callId\": 3}",
            "{\"tsNs\": 20, \"vm\": \"vm-j\", \"type\": \"DMA_UNMAP\", \"device\": \"0000:04:00.0\", \"iova\": 4096,"
                + " \"gpa\": null}");
    assertThat(e).hasSize(3);
    assertMap(e.get(1).event(), "0000:04:00.0", 0x1000L, 8192L, 4096, DmaDirection.TO_DEVICE);
    assertThat(e.get(2).event().getGpa()).isNull();
  }
}
