package io.coiommu.producer.trace;

import io.coiommu.producer.VmEvent;
import java.util.Deque;
import java.util.List;

/**
 * What the tools that print the kernel's iommu: and dma: tracepoints (ftrace, perf script) share:
 * the payload decoder, and the merge that counts a buffer once when both layers show it.
 */
abstract class KernelLineParser implements LineParser {

  protected final KernelDmaEvents kernel;

  KernelLineParser(Rejects counts) {
    this.kernel = new KernelDmaEvents(counts);
  }

  @Override
  public final void pass(List<VmEvent> checked, Deque<VmEvent> ready) {
    kernel.pass(checked, ready);
  }

  @Override
  public final void finish(Deque<VmEvent> ready) {
    kernel.finish(ready);
  }
}
