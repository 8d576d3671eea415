package io.coiommu.launcher.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * The heap's peak use since the last {@link #reset}, as the sum of each heap pool's own peak: the
 * pools peak at different moments and the young pools' peaks hold garbage, so this is an upper
 * bound of what the run needed, which is what fits-in-the-default-heap asks.
 */
final class PeakHeap {

  private PeakHeap() {}

  static void reset() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  static long usedBytes() {
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        used += pool.getPeakUsage().getUsed();
      }
    }
    return used;
  }
}
