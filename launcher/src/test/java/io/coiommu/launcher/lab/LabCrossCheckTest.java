package io.coiommu.launcher.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.producer.VmEvent;
import io.coiommu.schema.EventType;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vIOMMU models against QEMU's own log of the same run, on the committed lab captures
 * (lab/captures, made by lab/capture; no QEMU needed here). The rules each check rests on, with
 * their sources: docs/policies.md, "Checked against QEMU". The guest trace is read whole (both
 * layers on a 6.12 guest) by the product's ftrace reader, as {@code ./coiommu run --trace F
 * --format ftrace} reads it. Figures before and after the reader's rules: docs/lab.md.
 */
class LabCrossCheckTest {

  /**
   * The 0-16 MiB identity map of the ISA bridge (q35's 00:1f.0): Linux creates it before it
   * attaches the domain.
   */
  private static final long ISA_WINDOW_BYTES = 16L << 20;

  /**
   * QEMU's side: the guest writes the invalidation queue tail once per invalidation, which goes
   * with one wait descriptor (Linux qi_submit_sync), so each tail write past the queue's setup is
   * one exit for one invalidation.
   */
  @ParameterizedTest
  @ValueSource(strings = {"net", "net-lazy", "nvme", "balloon"})
  void eachTailWriteCarriesOneInvalidationAndItsWait(String name) throws IOException {
    QemuTraceCounts q = LabCapture.open(name).qemu();
    long invalidations =
        q.count("vtd_inv_desc_iotlb_pages")
            + q.count("vtd_inv_desc_iotlb_domain")
            + q.count("vtd_inv_desc_iotlb_global")
            + q.count("vtd_inv_desc_cc_device")
            + q.count("vtd_inv_desc_cc_global");
    assertThat(q.count("vtd_inv_desc_wait_sw")).as(name).isEqualTo(invalidations);
    assertThat(q.count("vtd_inv_desc")).as(name).isEqualTo(2 * invalidations);
    // The one more tail write is the queue's enabling (tail 0), which carries no descriptor.
    assertThat(q.count("vtd_inv_qi_tail")).as(name).isEqualTo(invalidations + 1);
  }

  /**
   * viommu-strict: one exit and one page-selective invalidation per map call and per unmap call,
   * equal to QEMU's vtd_inv_desc_iotlb_pages: the reader reads the guest's iommu: lines as calls
   * (an sg map's segments are one call, an unmap line removes every mapping in its range,
   * docs/traces.md). The one map QEMU never hears of is the ISA identity window, mapped before its
   * domain has an IOMMU to flush.
   */
  @ParameterizedTest
  @ValueSource(strings = {"net", "net-lazy", "nvme", "balloon"})
  void strictExitsAreQemusPageInvalidations(String name) throws IOException {
    LabCapture capture = LabCapture.open(name);
    QemuTraceCounts q = capture.qemu();
    List<VmEvent> events = capture.guestEvents();
    LabCapture.Figures after = LabCapture.project(events);
    LabCapture.Totals strict = after.scenario("viommu-strict");

    assertThat(after.anomalies()).as(name).isEmpty();
    long isaWindow =
        events.stream()
            .filter(
                v ->
                    v.event().getType() == EventType.DMA_MAP
                        && v.event().getIova() == 0
                        && v.event().getBytes() == ISA_WINDOW_BYTES)
            .count();
    assertThat(isaWindow).as(name).isEqualTo(1);
    assertThat(strict.exits).as(name).isEqualTo(q.count("vtd_inv_desc_iotlb_pages") + isaWindow);
    assertThat(strict.iotlbInvalidations).as(name).isEqualTo(strict.exits);
    // Caching mode makes Linux refuse deferred flushing (intel_iommu_init): even net-lazy, booted
    // with
    // iommu.strict=0, flushes each unmap at once, and QEMU saw no domain-wide flush beyond the
    // boot's.
    assertThat(q.count("vtd_inv_desc_iotlb_domain"))
        .as(name)
        .isEqualTo(q.count("vtd_inv_desc_cc_device"));
  }

  /**
   * virtio-iommu on a 6.12 guest: one MAP or UNMAP request per range (QEMU's virtio_iommu_map and
   * _unmap), one kick per DMA-API call (iotlb_sync_map / iotlb_sync), and QEMU holding mapped the
   * pages the model keeps pinned.
   */
  @Test
  void virtioIommuRequestsKicksAndPagesAreQemus() throws IOException {
    LabCapture capture = LabCapture.open("virtio-net");
    QemuTraceCounts q = capture.qemu();
    // The guest traces each DMA-API call twice (dma:* and the iommu:* under it); the reader counts
    // each buffer once.
    LabCapture.Figures after = LabCapture.project(capture.guestEvents());
    LabCapture.Totals virtio = after.scenario("virtio-iommu");

    assertThat(after.anomalies()).isEmpty();
    // One request per range the guest mapped or unmapped: the reader's maps and coherent
    // allocations, and the UNMAP requests, each of which syncs the IOTLB.
    List<VmEvent> events = capture.guestEvents();
    long mapRanges =
        events.stream()
            .map(v -> v.event().getType())
            .filter(t -> t == EventType.DMA_MAP || t == EventType.DMA_ALLOC)
            .count();
    assertThat(mapRanges).isEqualTo(q.count("virtio_iommu_map"));
    assertThat(virtio.iotlbInvalidations).isEqualTo(q.count("virtio_iommu_unmap"));
    // QEMU hands each request's range to VFIO in aligned power-of-two blocks: the VFIO calls it
    // made, from its own log, are the model's.
    assertThat(virtio.vfioMaps).isEqualTo(q.virtioMappings().vfioMaps());
    assertThat(virtio.vfioUnmaps).isEqualTo(q.virtioMappings().vfioUnmaps());
    // Each endpoint is probed and attached at boot, one kicked request each, outside the traced map
    // calls.
    assertThat(q.virtioIommuKicks()).isEqualTo(virtio.exits + 2 * q.count("virtio_iommu_attach"));
    assertThat(virtio.peakPinnedPages).isEqualTo(q.virtioMappings().peakGuestPages());
    assertThat(after.scenario("viommu-strict").peakPinnedPages)
        .isEqualTo(q.virtioMappings().peakGuestPages());
    // QEMU keeps one mapping per IOVA: two buffers of one page are two IOVA pages but one page to
    // pin.
    assertThat(q.virtioMappings().peakIovaPages())
        .isGreaterThan(q.virtioMappings().peakGuestPages());
    assertThat(q.virtioMappings().guestPages()).isZero();
  }
}
