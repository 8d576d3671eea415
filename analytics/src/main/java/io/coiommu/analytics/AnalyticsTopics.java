package io.coiommu.analytics;

/**
 * Topics the analytics role publishes, for consumers elsewhere. Values are Avro single-object
 * encoded.
 */
public final class AnalyticsTopics {

  /** Per scenario, host or fleet, and aligned window: GroupWindow values keyed by scenario. */
  public static final String GROUP_WINDOWS = "coiommu.analytics.group-windows";

  /** Per scenario, host or fleet, over the run: GroupSummary values keyed by scenario. */
  public static final String GROUP_SUMMARIES = "coiommu.analytics.group-summaries";

  private AnalyticsTopics() {}
}
