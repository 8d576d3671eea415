package io.coiommu.launcher.lab;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The mappings a virtio-iommu device holds, as QEMU keeps them: per domain, disjoint IOVA
 * intervals, each with the guest-physical page it starts at; an UNMAP request removes every mapping
 * that lies inside its range (the spec forbids splitting one). Counts the IOVA pages held and the
 * distinct guest pages under them, with their peaks: a guest page mapped at two IOVAs (two packet
 * buffers of one page) is one page to pin but two IOVA pages.
 */
final class IovaPages {

  /** One mapping: its last IOVA page and its first guest-physical page. */
  private record Mapping(long lastPage, long firstGfn) {}

  /** Per domain: first IOVA page of a mapping to the mapping. */
  private final Map<Long, NavigableMap<Long, Mapping>> domains = new HashMap<>();

  /** Guest page to the number of IOVA pages mapping it. */
  private final Map<Long, Integer> gfnRefs = new HashMap<>();

  private long iovaPages;
  private long peakIovaPages;
  private long peakGuestPages;
  private long vfioMaps;
  private long vfioUnmaps;

  void map(long domain, long firstPage, long lastPage, long firstGfn) {
    Mapping previous =
        domains
            .computeIfAbsent(domain, d -> new TreeMap<>())
            .put(firstPage, new Mapping(lastPage, firstGfn));
    if (previous != null) {
      release(firstPage, previous);
    }
    iovaPages += lastPage - firstPage + 1;
    vfioMaps += notifications(firstPage, lastPage);
    for (long p = 0; p <= lastPage - firstPage; p++) {
      gfnRefs.merge(firstGfn + p, 1, Integer::sum);
    }
    peakIovaPages = Math.max(peakIovaPages, iovaPages);
    peakGuestPages = Math.max(peakGuestPages, gfnRefs.size());
  }

  void unmap(long domain, long firstPage, long lastPage) {
    NavigableMap<Long, Mapping> mappings = domains.get(domain);
    if (mappings == null) {
      return;
    }
    mappings
        .subMap(firstPage, true, lastPage, true)
        .entrySet()
        .removeIf(
            e -> {
              if (e.getValue().lastPage() > lastPage) {
                return false;
              }
              release(e.getKey(), e.getValue());
              return true;
            });
  }

  private void release(long firstPage, Mapping m) {
    iovaPages -= m.lastPage() - firstPage + 1;
    vfioUnmaps += notifications(firstPage, m.lastPage());
    for (long p = 0; p <= m.lastPage() - firstPage; p++) {
      gfnRefs.computeIfPresent(m.firstGfn() + p, (gfn, refs) -> refs == 1 ? null : refs - 1);
    }
  }

  /**
   * IOMMU notifications, so VFIO calls, QEMU makes for the mapping [first, last]: an IOMMU
   * notification covers a naturally aligned power-of-two range, so QEMU's virtio-iommu cuts the
   * mapping into the largest such blocks from its start (virtio_iommu_notify_map_unmap, QEMU 7.1+).
   */
  private static long notifications(long first, long last) {
    long count = 0;
    long page = first;
    while (page <= last) {
      int alignment = page == 0 ? 63 : Long.numberOfTrailingZeros(page);
      int fits = 63 - Long.numberOfLeadingZeros(last - page + 1);
      page += 1L << Math.min(alignment, fits);
      count++;
    }
    return count;
  }

  /** VFIO map calls QEMU made for the MAP requests. */
  long vfioMaps() {
    return vfioMaps;
  }

  /** VFIO unmap calls QEMU made for the mappings UNMAP requests removed. */
  long vfioUnmaps() {
    return vfioUnmaps;
  }

  long iovaPages() {
    return iovaPages;
  }

  long peakIovaPages() {
    return peakIovaPages;
  }

  /** Distinct guest pages mapped now. */
  long guestPages() {
    return gfnRefs.size();
  }

  long peakGuestPages() {
    return peakGuestPages;
  }
}
