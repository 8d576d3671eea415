package io.coiommu.processor.engine;

/**
 * Emulated VT-d with caching mode (QEMU intel-iommu + VFIO), strict invalidation. Every map call
 * traps once (caching mode makes the guest invalidate after a map, and QEMU maps and pins the new
 * range through VFIO); every unmap call traps once for its IOTLB invalidation, and QEMU unmaps
 * through VFIO, unpinning pages whose last mapping went away.
 */
final class ViommuStrict extends MappingPinned {

  /** No parameters. */
  record Params() implements PolicyParams {
    @Override
    public PolicyKind kind() {
      return PolicyKind.VIOMMU_STRICT;
    }

    @Override
    public Policy create(Scenario scenario, PolicyContext context) {
      return new ViommuStrict(scenario, context);
    }
  }

  ViommuStrict(Scenario scenario, PolicyContext context) {
    super(
        scenario,
        context.costs(),
        context.mapped(),
        ExitKind.USERSPACE_MMIO,
        VfioGranule.PAGE_TABLE_LEAF);
  }

  @Override
  void beginMapCall(long ts) {
    add(Counter.MAP_CALLS, 1);
    trap(true);
  }

  @Override
  void beginUnmapCall(long ts) {
    trap(true);
  }
}
