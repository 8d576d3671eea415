package io.coiommu.processor.engine;

/** The pinning policies a scenario can emulate, by the name a scenario spec uses. */
public enum PolicyKind {
  STATIC("static"),
  VIOMMU_STRICT("viommu-strict"),
  VIOMMU_LAZY("viommu-lazy"),
  VIRTIO_IOMMU("virtio-iommu"),
  COIOMMU("coiommu"),
  ORACLE("oracle");

  private final String specName;

  PolicyKind(String specName) {
    this.specName = specName;
  }

  public String specName() {
    return specName;
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
