package io.coiommu.processor.engine;

/**
 * A policy with every parameter fixed. Immutable; built by {@link ScenarioSpec}. Its {@link
 * #name()} is the canonical spec that names every parameter, so a report always says exactly what
 * it evaluated, and parsing the name gives the same scenario back.
 */
public final class Scenario {

  private final PolicyParams params;
  private final String name;

  Scenario(PolicyParams params) {
    this.params = params;
    this.name = params.name();
  }

  /**
   * The canonical spec, e.g. {@code
   * coiommu:unpin=lru,interval=10s,limit=8192,gen=10,smart=on,lazy=on,pinahead=0}.
   */
  public String name() {
    return name;
  }

  public PolicyKind kind() {
    return params.kind();
  }

  PolicyParams params() {
    return params;
  }

  /** A fresh emulation of this scenario for one VM. */
  Policy create(PolicyContext context) {
    return params.create(this, context);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Scenario && ((Scenario) o).name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
