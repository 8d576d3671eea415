package io.coiommu.producer.trace;

/**
 * Which kernel layer a tracepoint line came from: the two print the same buffers when both are
 * traced.
 */
enum Layer {
  /**
   * {@code dma:} tracepoints: the DMA API a driver calls, with device, direction and scatter-gather
   * lists.
   */
  DMA_API,
  /**
   * {@code iommu:map} and {@code iommu:unmap}: the IOMMU driver's page-table updates, often under a
   * DMA-API call.
   */
  IOMMU,
  /** Anything else ({@code io_page_fault}, headers): neither maps nor unmaps. */
  OTHER
}
