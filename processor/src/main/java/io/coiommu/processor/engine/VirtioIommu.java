package io.coiommu.processor.engine;

/**
 * virtio-iommu: the guest queues one MAP or UNMAP request per range on a virtqueue and kicks once per DMA-API call
 * (iotlb_sync), so a scatter-gather call costs one exit. The device model applies each request through VFIO; an
 * UNMAP request's VFIO unmap synchronises the physical IOTLB.
 */
final class VirtioIommu extends MappingPinned {

  VirtioIommu(Scenario scenario, CostModel costs, MappedPages mapped) {
    super(scenario, costs, mapped, ExitKind.VIRTQUEUE_KICK, true);
  }

  @Override
  void beginMapCall(long ts) {
    mapCalls++;
    trap(false);
  }

  @Override
  void beginUnmapCall(long ts) {
    trap(false);
  }

  @Override
  void unmapRange(long ts, long gfn, long pages) {
    iotlbInvalidations++;
    super.unmapRange(ts, gfn, pages);
  }
}
