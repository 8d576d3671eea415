package io.coiommu.analytics;

/**
 * A result record that broke the engine's contract (see WindowResult's doc). It is counted, kept
 * and reported, and the record still counts: dropping it would hide the very numbers that look
 * wrong.
 */
public record ContractViolation(
    Kind kind, String scenario, String vm, long windowStartNs, String detail) {

  public enum Kind {
    /** The record starts after the previous one ended: trace time is missing. */
    GAP,
    /**
     * The record starts before the previous one ended: trace time counted twice (a replayed
     * record?).
     */
    OVERLAP,
    /** A record arrived after the VM's last=true record. */
    AFTER_LAST,
    /** The record names another host or guest size than the VM's earlier records. */
    VM_CHANGED,
    /** The record ends before it starts. */
    NEGATIVE_SPAN
  }

  @Override
  public String toString() {
    return kind + " " + scenario + " / " + vm + " at " + windowStartNs + " ns: " + detail;
  }
}
