package io.coiommu.producer.trace;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The DMA ranges of each dma_map_sg call not yet unmapped, per device and first physical address of
 * its list: dma_unmap_sg prints only the physical addresses of the list, so its ranges come from
 * here. Bounded by what is mapped at once; one list mapped twice before its unmap is queued, first
 * in first out.
 */
final class MappedSgLists {

  private final Map<String, Map<Long, ArrayDeque<long[]>>> byDevice = new HashMap<>();

  /** Remembers the ranges ({iova, bytes, phys} each) one dma_map_sg mapped. */
  void add(String device, long firstPhys, List<long[]> ranges) {
    long[] flat = new long[ranges.size() * 3];
    int i = 0;
    for (long[] r : ranges) {
      flat[i++] = r[0];
      flat[i++] = r[1];
      flat[i++] = r[2];
    }
    byDevice
        .computeIfAbsent(device, d -> new HashMap<>())
        .computeIfAbsent(firstPhys, p -> new ArrayDeque<>())
        .add(flat);
  }

  /**
   * The ranges of the oldest list of {@code device} starting at {@code firstPhys}, flat as iova,
   * bytes, phys, ...; forgotten here. Null for a list never seen mapped.
   */
  long[] take(String device, long firstPhys) {
    Map<Long, ArrayDeque<long[]>> lists = byDevice.get(device);
    ArrayDeque<long[]> mapped = lists == null ? null : lists.get(firstPhys);
    long[] ranges = mapped == null ? null : mapped.poll();
    if (mapped != null && mapped.isEmpty()) {
      lists.remove(firstPhys);
    }
    return ranges;
  }
}
