package io.coiommu.launcher.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QemuTraceCountsTest {

  @TempDir Path dir;

  @Test
  void countsEventsKicksAndTheMappingsVirtioIommuHeld() throws IOException {
    Path log = dir.resolve("qemu-trace.log");
    Files.writeString(
        log,
        String.join(
            "\n",
            "virtio_queue_notify vdev 0x10 n 0 vq 0x11",
            "virtio_queue_notify vdev 0x20 n 0 vq 0x21",
            "4242@1.000001:virtio_iommu_map domain=1 virt_start=0x1000 virt_end=0x2fff phys_start=0x40000 flags=3",
            "virtio_queue_notify vdev 0x20 n 0 vq 0x21",
            // A second IOVA for the first guest page: one more IOVA page, no more guest pages.
            "virtio_iommu_map domain=1 virt_start=0x8000 virt_end=0x8fff phys_start=0x40000 flags=3",
            "virtio_queue_notify vdev 0x20 n 0 vq 0x21",
            "virtio_iommu_unmap domain=1 virt_start=0x0 virt_end=0x3fff",
            "vtd_inv_qi_tail write tail 2",
            ""));

    QemuTraceCounts q = QemuTraceCounts.read(log);

    assertThat(q.count("virtio_iommu_map")).isEqualTo(2);
    assertThat(q.count("vtd_inv_qi_tail")).isEqualTo(1);
    assertThat(q.count("vtd_inv_desc")).isZero();
    assertThat(q.virtioIommuKicks()).isEqualTo(3);
    assertThat(q.virtioMappings().peakIovaPages()).isEqualTo(3);
    assertThat(q.virtioMappings().peakGuestPages()).isEqualTo(2);
    assertThat(q.virtioMappings().iovaPages()).isEqualTo(1);
    assertThat(q.virtioMappings().guestPages()).isEqualTo(1);
  }

  @Test
  void aLineThatIsNoTraceEventIsRefusedWithItsFileAndLine() throws IOException {
    Path log = dir.resolve("bad.log");
    Files.writeString(
        log, "vtd_inv_qi_tail write tail 2\nqemu-system-x86_64: warning: something\n");
    assertThatThrownBy(() -> QemuTraceCounts.read(log))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("bad.log:2");
  }
}
