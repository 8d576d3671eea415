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
 *
 * <p>A VM whose pages outgrow its share of {@link #PAGES} is measured on a hash sample of its pages
 * (see {@code VmPages}), so memory stays bounded by the number of VMs, not by the pages a trace
 * touches; {@link #pageSampleRate()} says whether that happened.
 */
public final class DmaTemporalLocality {

  private static final int PAGE_SHIFT = 12;

  /**
   * The pages all VMs together keep an entry for, about 21-43 B each in HPPC's tables (0.75 load,
   * power-of-two sizes): 350-700 MiB at most. Unbounded, the set of pages ever unmapped grows with
   * every page a VM's storage touches: 595 MB for 1,000 VMs after 10 s of trace, which a 10,000-VM
   * fleet cannot hold beside the run.
   */
  static final int PAGES = 1 << 24;

  /**
   * The fewest pages a VM keeps an entry for however many VMs share {@link #PAGES}: fills HPPC's
   * 4,096-slot table to its 0.75 load, 64 KiB per VM.
   */
  static final int MIN_PAGES_PER_VM = 3 * 1024;

  private final int pagesPerVm;

  private final Histogram gaps = new Histogram(3);

  /**
   * @param vmsInTrace how many VMs the trace holds: each gets an equal share of {@link #PAGES}. It
   *     is a property of the trace, so the sampling is the same however the trace is read.
   */
  public DmaTemporalLocality(int vmsInTrace) {
    this.pagesPerVm = Math.max(MIN_PAGES_PER_VM, PAGES / Math.max(1, vmsInTrace));
  }

  private final Map<String, VmPages> vms = new HashMap<>();

  /** Exact among the pages sampled, unlike the histogram's bucketed max. */
  private long maxGap;

  private long unresolvedUnmaps;
  private long stillUnmapped;

  /** The sparsest sampling any VM used: 1 in 2^this pages. */
  private int sparsestSampleShift;

  /**
   * One VM's live state: its mappings for unmap resolution, and per sampled page either its map
   * count (positive, while mapped) or its last unmap time ({@code -(ts + 1)}, once unmapped). A
   * page is never both: its unmap time is dropped when it is mapped again and set when its count
   * reaches 0.
   *
   * <p>Pages are sampled by a hash of their number, as SHARDS samples a reuse-distance trace
   * (Waldspurger et al., FAST '15): a page is followed iff its hash's low {@code sampleShift} bits
   * are 0, so each page is followed for the whole trace or not at all and every gap of a followed
   * page is measured exactly. While a VM has fewer than its share of {@link #PAGES} in its table it
   * follows every page and the figures are exact. Past that it follows half as many (the pages it
   * keeps are a subset of those it had), and every gap measured from then on stands for 2^shift
   * gaps: each gap's weight is the inverse of the rate it was sampled at, which keeps the counts
   * unbiased across the rate changes. The sampling depends only on the VM's own events, so the
   * figures are the same whatever the partitioning or interleaving of VMs.
   */
  private final class VmPages {
    final Map<String, DeviceMappings> devices = new HashMap<>();
    final LongLongHashMap pages = new LongLongHashMap();
    long unmappedPages;
    int sampleShift;

    boolean follows(long page) {
      return (mix(page) & ((1L << sampleShift) - 1)) == 0;
    }

    /** Halves the pages followed, until the table has room for one more. */
    void makeRoom() {
      while (pages.size() >= pagesPerVm) {
        sampleShift++;
        pages.removeAll(
            (long page, long state) -> {
              if (follows(page)) {
                return false;
              }
              if (state < 0) {
                unmappedPages--;
              }
              return true;
            });
      }
    }
  }

  /** One device's live mappings by iova, in primitive maps: a VM may hold thousands. */
  private static final class DeviceMappings {
    final LongLongHashMap gpa = new LongLongHashMap();
    final LongLongHashMap bytes = new LongLongHashMap();
  }

  /** Stafford's mix 13 (the SplitMix64 finalizer): low bits that depend on every bit of a page. */
  private static long mix(long page) {
    long z = (page ^ (page >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
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

  private void map(VmPages vm, TraceEvent e) {
    if (e.getGpa() == null) {
      return;
    }
    long gpa = e.getGpa();
    long bytes = Math.max(1, e.getBytes());
    DeviceMappings device = vm.devices.computeIfAbsent(e.getDevice(), d -> new DeviceMappings());
    device.gpa.put(e.getIova(), gpa);
    device.bytes.put(e.getIova(), bytes);
    for (long page = gpa >>> PAGE_SHIFT; page <= (gpa + bytes - 1) >>> PAGE_SHIFT; page++) {
      if (!vm.follows(page)) {
        continue;
      }
      long state = vm.pages.get(page);
      if (state < 0) {
        vm.unmappedPages--;
        long gap = Math.max(0, e.getTsNs() - (-state - 1));
        gaps.recordValueWithCount(gap, 1L << vm.sampleShift);
        maxGap = Math.max(maxGap, gap);
      } else if (state == 0) {
        vm.makeRoom();
        if (!vm.follows(page)) {
          continue; // the sampling just left this page out
        }
      }
      vm.pages.put(page, Math.max(0, state) + 1);
    }
  }

  private void unmap(VmPages vm, TraceEvent e) {
    DeviceMappings device = vm.devices.get(e.getDevice());
    boolean known = device != null && device.gpa.containsKey(e.getIova());
    long mappedGpa = known ? device.gpa.remove(e.getIova()) : 0;
    long mappedBytes = known ? device.bytes.remove(e.getIova()) : 0;
    long gpa;
    long bytes;
    if (e.getGpa() != null) {
      gpa = e.getGpa();
      bytes = e.getBytes() > 0 ? e.getBytes() : known ? mappedBytes : 1;
    } else if (known) {
      gpa = mappedGpa;
      bytes = mappedBytes;
    } else {
      // The emulator reports these as anomalies; here they are only counted, as they tell nothing
      // about reuse.
      unresolvedUnmaps++;
      return;
    }
    for (long page = gpa >>> PAGE_SHIFT; page <= (gpa + bytes - 1) >>> PAGE_SHIFT; page++) {
      long count = vm.follows(page) ? vm.pages.get(page) : 0;
      if (count <= 0) {
        continue; // not followed, not mapped, or already unmapped
      }
      if (count == 1) {
        vm.unmappedPages++;
        vm.pages.put(page, -e.getTsNs() - 1);
      } else {
        vm.pages.put(page, count - 1);
      }
    }
  }

  /** The VM stopped: its pages that were never remapped are counted, its state dropped. */
  public void end(String vm) {
    VmPages pages = vms.remove(vm);
    if (pages != null) {
      stillUnmapped += pages.unmappedPages << pages.sampleShift;
      sparsestSampleShift = Math.max(sparsestSampleShift, pages.sampleShift);
    }
  }

  /**
   * The smallest share of a VM's pages followed (1 when every gap was measured): below 1 the counts
   * and the distribution are estimates from a hash sample of pages.
   */
  public double pageSampleRate() {
    int shift = sparsestSampleShift;
    for (VmPages running : vms.values()) {
      shift = Math.max(shift, running.sampleShift);
    }
    return 1.0 / (1L << shift);
  }

  /** Unmap-to-next-map gaps: measured, or estimated from the sample of pages. */
  public long remaps() {
    return gaps.getTotalCount();
  }

  /** Unmaps whose iova no earlier map explained. */
  public long unresolvedUnmaps() {
    return unresolvedUnmaps;
  }

  /**
   * Pages unmapped and never mapped again before their VM stopped (VMs still running not included;
   * estimated like {@link #remaps()}).
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
