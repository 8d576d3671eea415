package io.coiommu.schema;

/**
 * Names of the Kafka topics that connect the roles. Every role refers to them through these
 * constants.
 */
public final class Topics {

  /** Trace events: EventBatch values keyed by VM id, in trace order per VM. */
  public static final String TRACE_EVENTS = "coiommu.trace-events";

  /** Per scenario, per VM, per window: WindowResult values keyed by VM id. */
  public static final String WINDOW_RESULTS = "coiommu.window-results";

  /** Events that decoded but made no sense to the emulation: Anomaly values keyed by VM id. */
  public static final String ANOMALIES = "coiommu.anomalies";

  /** Records the processor could not decode, kept byte for byte with the reason in headers. */
  public static final String DEAD_LETTERS = "coiommu.dead-letters";

  private Topics() {}
}
