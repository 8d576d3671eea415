package io.coiommu.processor.engine;

import java.util.function.Function;

/**
 * The registry of pinning policies: each by the name a scenario spec uses and the parser of its
 * parameters. Adding a policy is its class (with its nested {@link PolicyParams} record), one line
 * here, the record in the permits clause of {@link PolicyParams}, and its section in
 * docs/policies.md.
 */
public enum PolicyKind {
  STATIC("static", p -> new StaticPinning.Params()),
  VIOMMU_STRICT("viommu-strict", p -> new ViommuStrict.Params()),
  VIOMMU_LAZY("viommu-lazy", ViommuLazy.Params::parse),
  VIRTIO_IOMMU("virtio-iommu", p -> new VirtioIommu.Params()),
  COIOMMU("coiommu", CoIommu.Params::parse),
  ORACLE("oracle", p -> new Oracle.Params()),
  IOPF("iopf", IopfPinning.Params::parse);

  private final String specName;
  private final Function<SpecParams, PolicyParams> parser;

  PolicyKind(String specName, Function<SpecParams, PolicyParams> parser) {
    this.specName = specName;
    this.parser = parser;
  }

  public String specName() {
    return specName;
  }

  /**
   * This policy's parameters from a scenario's {@code name=value} pairs; any parameter it does not
   * have is refused.
   */
  PolicyParams parse(SpecParams params) {
    PolicyParams p = parser.apply(params);
    params.rejectUnused(this);
    return p;
  }

  static PolicyKind bySpecName(String name) {
    for (PolicyKind k : values()) {
      if (k.specName.equals(name)) {
        return k;
      }
    }
    return null;
  }
}
