package io.coiommu.processor.engine;

/**
 * virtio-iommu: the guest queues one MAP or UNMAP request per range on a virtqueue and kicks once
 * per DMA-API call (iotlb_sync), so a scatter-gather call costs one exit. The device model applies
 * each request through VFIO; an UNMAP request's VFIO unmap synchronises the physical IOTLB.
 */
final class VirtioIommu extends MappingPinned {

  /** No parameters. */
  record Params() implements PolicyParams {
    @Override
    public PolicyKind kind() {
      return PolicyKind.VIRTIO_IOMMU;
    }

    @Override
    public Policy create(Scenario scenario, PolicyContext context) {
      return new VirtioIommu(scenario, context);
    }
  }

  VirtioIommu(Scenario scenario, PolicyContext context) {
    super(
        scenario,
        context.costs(),
        context.mapped(),
        ExitKind.VIRTQUEUE_KICK,
        VfioGranule.ALIGNED_BLOCK);
  }

  @Override
  void beginMapCall(long ts) {
    add(Counter.MAP_CALLS, 1);
    trap(false);
  }

  @Override
  void beginUnmapCall(long ts) {
    trap(false);
  }

  @Override
  void unmapRange(long ts, long iovaPage, long gfn, long pages) {
    add(Counter.IOTLB_INVALIDATIONS, 1);
    super.unmapRange(ts, iovaPage, gfn, pages);
  }
}
