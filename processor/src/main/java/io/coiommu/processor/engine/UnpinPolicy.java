package io.coiommu.processor.engine;

/** coIOMMU's unpin policy, as crosvm's CoIommuUnpinPolicy. */
public enum UnpinPolicy {
  /** Nothing is unpinned except by the balloon (crosvm's default). */
  OFF,
  /**
   * Periodic scans of the NEW and OLD lists unpin pages that are unmapped and were not accessed
   * since the last scan.
   */
  LRU
}
