package io.coiommu.processor.engine;

/**
 * Emulated VT-d with caching mode (QEMU intel-iommu + VFIO), strict invalidation. Every map call traps once (caching
 * mode makes the guest invalidate after a map, and QEMU maps and pins the new range through VFIO); every unmap call
 * traps once for its IOTLB invalidation, and QEMU unmaps through VFIO, unpinning pages whose last mapping went away.
 */
final class ViommuStrict extends MappingPinned {

  ViommuStrict(Scenario scenario, CostModel costs, MappedPages mapped) {
    super(scenario, costs, mapped, ExitKind.USERSPACE_MMIO, true);
  }

  @Override
  void beginMapCall(long ts) {
    mapCalls++;
    trap(true);
  }

  @Override
  void beginUnmapCall(long ts) {
    trap(true);
  }
}
