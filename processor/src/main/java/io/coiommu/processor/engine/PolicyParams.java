package io.coiommu.processor.engine;

/**
 * A policy with every parameter fixed: what a scenario spec names, as one record per policy (each
 * nested in its policy's class). The hierarchy is sealed so that the set of policies is the set
 * {@link PolicyKind} registers.
 */
sealed interface PolicyParams
    permits StaticPinning.Params,
        ViommuStrict.Params,
        ViommuLazy.Params,
        VirtioIommu.Params,
        CoIommu.Params,
        Oracle.Params,
        IopfPinning.Params {

  PolicyKind kind();

  /**
   * The canonical spec that names every parameter, so a report always says exactly what it
   * evaluated, and parsing it gives the same parameters back. A policy without parameters is named
   * by its spec name alone.
   */
  default String name() {
    return kind().specName();
  }

  /** A fresh emulation of this policy for one VM. */
  Policy create(Scenario scenario, PolicyContext context);
}
