package io.coiommu.processor.engine;

/**
 * Not a real system: pinned is exactly what is mapped right now and nothing exits. It is the floor
 * that any fine-grained pinning can approach, so it costs nothing in the cost model.
 */
final class Oracle extends MappingPinned {

  /** No parameters. */
  record Params() implements PolicyParams {
    @Override
    public PolicyKind kind() {
      return PolicyKind.ORACLE;
    }

    @Override
    public Policy create(Scenario scenario, PolicyContext context) {
      return new Oracle(scenario, context);
    }
  }

  Oracle(Scenario scenario, PolicyContext context) {
    super(scenario, context.costs(), context.mapped(), ExitKind.NONE, VfioGranule.NONE);
  }

  @Override
  void beginMapCall(long ts) {
    add(Counter.MAP_CALLS, 1);
    add(Counter.MAP_CALLS_NO_EXIT, 1);
  }

  @Override
  void beginUnmapCall(long ts) {}

  @Override
  long cpuCostNs() {
    return 0;
  }
}
