package io.coiommu.processor.engine;

/**
 * Not a real system: pinned is exactly what is mapped right now and nothing exits. It is the floor that any
 * fine-grained pinning can approach, so it costs nothing in the cost model.
 */
final class Oracle extends MappingPinned {

  Oracle(Scenario scenario, CostModel costs, MappedPages mapped) {
    super(scenario, costs, mapped, ExitKind.NONE, false);
  }

  @Override
  void beginMapCall(long ts) {
    mapCalls++;
    mapCallsNoExit++;
  }

  @Override
  void beginUnmapCall(long ts) {}

  @Override
  long cpuCostNs() {
    return 0;
  }
}
