package io.coiommu.analytics;

import com.carrotsearch.hppc.LongLongHashMap;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.TraceEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * DMA temporal locality as the coIOMMU paper measures it: for every guest page, the trace time
 * between the moment its last mapping goes away and its next map. It is a property of the guest's
 * DMA pattern, the same under every policy, so it is taken from the trace events rather than from
 * any scenario's results. Its distribution says how long lazy unpinning should wait: a page
 * remapped within T of its unmap is still pinned under a policy that unpins T after the unmap.
 *
 * <p>Unmaps that carry only an iova are resolved through a per-(VM, device) iova map, as the
 * emulator does. Fed one VM's events in trace order; VMs may interleave.
 */
public final class DmaTemporalLocality {

  private static final int PAGE_SHIFT = 12;

  private final Histogram gaps = new Histogram(3);
  private final Map<String, VmPages> vms = new HashMap<>();

  /** Exact, unlike the histogram's bucketed max. */
  private long maxGap;

  private long unresolvedUnmaps;
  private long stillUnmapped;

  /**
   * One VM's live state: its mappings for unmap resolution, and per page either its map count
   * (positive, while mapped) or its last unmap time ({@code -(ts + 1)}, once unmapped). A page is
   * never both: its unmap time is dropped when it is mapped again and set when its count reaches 0.
   * One primitive entry per page, as the set of pages ever unmapped grows with the whole trace (84
   * M boxed entries of two HashMaps filled a 6 GiB heap on a 10,000-VM fleet).
   */
  private static final class VmPages {
    final Map<String, long[]> mappings = new HashMap<>(); // device + iova -> {gpa, bytes}
    final LongLongHashMap pages = new LongLongHashMap();
    long unmappedPages;
  }

  /** Reads a batch of the trace topic: one VM's consecutive events. */
  public void accept(EventColumns batch) {
    TraceEvent reused = new TraceEvent();
    for (int i = 0; i < batch.size(); i++) {
      // accept keeps no reference to the event: one object serves the whole batch.
      accept(batch.vm(), batch.event(i, reused));
    }
  }

  public void accept(String vm, TraceEvent e) {
    switch (e.getType()) {
      case DMA_MAP, DMA_ALLOC -> map(vms.computeIfAbsent(vm, v -> new VmPages()), e);
      case DMA_UNMAP, DMA_FREE -> unmap(vms.computeIfAbsent(vm, v -> new VmPages()), e);
      case VM_STOP -> end(vm);
      default -> {}
    }
  }

  private void map(VmPages pages, TraceEvent e) {
    if (e.getGpa() == null) {
      return;
    }
    long gpa = e.getGpa();
    long bytes = Math.max(1, e.getBytes());
    pages.mappings.put(key(e), new long[] {gpa, bytes});
    for (long page = gpa >>> PAGE_SHIFT; page <= (gpa + bytes - 1) >>> PAGE_SHIFT; page++) {
      long state = pages.pages.get(page);
      if (state < 0) {
        pages.unmappedPages--;
        long gap = Math.max(0, e.getTsNs() - (-state - 1));
        gaps.recordValue(gap);
        maxGap = Math.max(maxGap, gap);
      }
      pages.pages.put(page, Math.max(0, state) + 1);
    }
  }

  private void unmap(VmPages pages, TraceEvent e) {
    long[] mapping = pages.mappings.remove(key(e));
    long gpa;
    long bytes;
    if (e.getGpa() != null) {
      gpa = e.getGpa();
      bytes = e.getBytes() > 0 ? e.getBytes() : mapping != null ? mapping[1] : 1;
    } else if (mapping != null) {
      gpa = mapping[0];
      bytes = mapping[1];
    } else {
      // The emulator reports these as anomalies; here they are only counted, as they tell nothing
      // about reuse.
      unresolvedUnmaps++;
      return;
    }
    for (long page = gpa >>> PAGE_SHIFT; page <= (gpa + bytes - 1) >>> PAGE_SHIFT; page++) {
      long count = pages.pages.get(page);
      if (count <= 0) {
        continue; // not mapped: absent, or already unmapped
      }
      if (count == 1) {
        pages.unmappedPages++;
        pages.pages.put(page, -e.getTsNs() - 1);
      } else {
        pages.pages.put(page, count - 1);
      }
    }
  }

  private static String key(TraceEvent e) {
    return e.getDevice() + '@' + e.getIova();
  }

  /** The VM stopped: its pages that were never remapped are counted, its state dropped. */
  public void end(String vm) {
    VmPages pages = vms.remove(vm);
    if (pages != null) {
      stillUnmapped += pages.unmappedPages;
    }
  }

  /** Unmap-to-next-map gaps measured. */
  public long remaps() {
    return gaps.getTotalCount();
  }

  /** Unmaps whose iova no earlier map explained. */
  public long unresolvedUnmaps() {
    return unresolvedUnmaps;
  }

  /**
   * Pages unmapped and never mapped again before their VM stopped (VMs still running not included).
   */
  public long neverRemapped() {
    return stillUnmapped;
  }

  /** The gap at a percentile, in nanoseconds (within 0.1 %). */
  public long gapAtPercentileNs(double percentile) {
    return gaps.getTotalCount() == 0 ? 0 : gaps.getValueAtPercentile(percentile);
  }

  public long maxGapNs() {
    return maxGap;
  }

  /**
   * Share of remaps that came within {@code ns} of the unmap: what a policy that waits that long
   * before unpinning saves.
   */
  public double shareWithin(long ns) {
    return gaps.getTotalCount() == 0
        ? 0
        : (double) gaps.getCountBetweenValues(0, ns) / gaps.getTotalCount();
  }

  /** A point of the cumulative distribution: the share of remaps that came within {@code ns}. */
  public record CdfStep(long ns, double share) {}

  /** The cumulative distribution at 1-2-5 steps of time from 1 us up to the largest gap. */
  public List<CdfStep> cdfSteps() {
    List<CdfStep> steps = new ArrayList<>();
    if (gaps.getTotalCount() == 0) {
      return steps;
    }
    long max = maxGap;
    for (long decade = 1_000; decade > 0; decade *= 10) {
      for (long m : new long[] {1, 2, 5}) {
        long t = decade * m;
        steps.add(new CdfStep(t, shareWithin(t)));
        if (t >= max) {
          return steps;
        }
      }
    }
    return steps;
  }
}
