package io.coiommu.processor.engine;

/**
 * What one VM's emulator gives every policy it creates: the cost model and the state the policies
 * share.
 */
final class PolicyContext {

  private final CostModel costs;
  private final MappedPages mapped;
  private DttFootprint footprint;

  PolicyContext(CostModel costs, MappedPages mapped) {
    this.costs = costs;
    this.mapped = mapped;
  }

  CostModel costs() {
    return costs;
  }

  /** The VM's live mappings, updated before any policy hears of a map or unmap. */
  MappedPages mapped() {
    return mapped;
  }

  /**
   * The DTT's shape depends only on what the guest maps, so every coiommu scenario of a VM shares
   * one footprint.
   */
  DttFootprint footprint() {
    if (footprint == null) {
      footprint = new DttFootprint();
    }
    return footprint;
  }

  /** The shared footprint, or null when no policy asked for one. */
  DttFootprint footprintIfUsed() {
    return footprint;
  }
}
