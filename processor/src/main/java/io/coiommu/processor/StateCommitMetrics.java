package io.coiommu.processor;

/**
 * Names of the Streams metrics (one per task, tag {@code task-id}) in which the processor counts
 * what its commits cost: the bytes of VM state they wrote, and the bytes they would have written
 * with each changed VM's whole state, so one run shows what writing deltas saves.
 */
public final class StateCommitMetrics {

  public static final String GROUP = "coiommu-processor-metrics";

  /** Cumulative bytes of state pieces and manifests the task's commits wrote. */
  public static final String BYTES_WRITTEN = "state-bytes-written-total";

  /** Cumulative bytes of each changed VM's whole state, summed over the task's commits. */
  public static final String BYTES_WHOLE = "state-bytes-whole-total";

  private StateCommitMetrics() {}
}
