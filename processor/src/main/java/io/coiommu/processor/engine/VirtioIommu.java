package io.coiommu.processor.engine;

/**
 * virtio-iommu: the guest queues one MAP or UNMAP request per range on a virtqueue and kicks once per DMA-API call
 * (iotlb_sync), so a scatter-gather call costs one exit. The device model applies each request through VFIO; an
 * UNMAP request's VFIO unmap synchronises the physical IOTLB.
 */
final class VirtioIommu extends MappingPinned {

  VirtioIommu(Scenario scenario, CostModel costs, MappedPages mapped) {
    super(scenario, costs, mapped, ExitKind.VIRTQUEUE_KICK);
  }

  @Override
  void beginMapCall(long ts) {
    mapCalls++;
    notifications++;
    exits++;
  }

  @Override
  void mapRange(long ts, long gfn, long pages) {
    vfioMaps++;
    super.mapRange(ts, gfn, pages);
  }

  @Override
  void beginUnmapCall(long ts) {
    notifications++;
    exits++;
  }

  @Override
  void unmapRange(long ts, long gfn, long pages) {
    vfioUnmaps++;
    iotlbInvalidations++;
    super.unmapRange(ts, gfn, pages);
  }
}
