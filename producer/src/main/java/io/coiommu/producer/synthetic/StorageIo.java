package io.coiommu.producer.synthetic;

import io.coiommu.schema.DmaDirection;
import java.util.Arrays;

/**
 * An NVMe disk under a page-cache workload: each request reads or writes a few consecutive pages of
 * a file working set, mapped as one scatter-gather call (physically contiguous pages merge into one
 * range, as the block layer merges them) and unmapped on completion. Most requests hit the hot
 * fifth of the working set; a request misses the cache with probability {@code 1 - reuse}, and then
 * its pages are evicted and replaced by fresh ones, so the set of DMA pages drifts slowly.
 */
public final class StorageIo implements Activity {

  private static final int[] SIZES_PAGES = {1, 1, 1, 1, 2, 2, 4, 4, 8, 16, 32};
  private static final double READ_SHARE = 0.7;
  private static final double HOT_SHARE = 0.8;
  private static final double LATENCY_MEAN_NS = 90_000;
  private static final long SQ_BYTES = 64 * 1024;
  private static final long CQ_BYTES = 16 * 1024;

  private final String bdf;
  private final double iops;
  private final long workingSetBytes;
  private final double reuse;

  private DmaDevice device;

  /**
   * The page (gfn) of each working-set slot, or -1 before its first use; int holds guests up to 8
   * TiB.
   */
  private int[] slotGfn;

  /** Requests in flight per slot: the page cache does not evict a page under I/O. */
  private short[] inFlight;

  public StorageIo(String bdf, double iops, long workingSetBytes, double reuse) {
    this.bdf = bdf;
    this.iops = iops;
    this.workingSetBytes = workingSetBytes;
    this.reuse = reuse;
  }

  @Override
  public void start(VmSimulation vm) {
    device = new DmaDevice(bdf);
    GuestPages pages = vm.pages();
    long sq =
        device.alloc(
            vm, pages.allocRun(SQ_BYTES / GuestPages.PAGE) << GuestPages.PAGE_SHIFT, SQ_BYTES);
    long cq =
        device.alloc(
            vm, pages.allocRun(CQ_BYTES / GuestPages.PAGE) << GuestPages.PAGE_SHIFT, CQ_BYTES);
    // The controller reads the submission queue and writes the completion queue from the start;
    // they stay mapped.
    device.access(vm, sq);
    device.access(vm, cq);
    int slots =
        (int) Math.max(SIZES_PAGES[SIZES_PAGES.length - 1], workingSetBytes / GuestPages.PAGE);
    slotGfn = new int[slots];
    Arrays.fill(slotGfn, -1);
    inFlight = new short[slots];
    if (iops > 0) {
      vm.at(vm.now() + vm.exponentialNs(1e9 / iops), () -> request(vm));
    }
  }

  private void request(VmSimulation vm) {
    int slots = slotGfn.length;
    int size = SIZES_PAGES[vm.random().nextInt(SIZES_PAGES.length)];
    int first =
        vm.random().nextDouble() < HOT_SHARE
            ? vm.random().nextInt(Math.max(1, slots / 5))
            : vm.random().nextInt(slots);
    boolean miss = vm.random().nextDouble() >= reuse;
    int[] used = new int[size];
    long[] gfns = new long[size];
    for (int i = 0; i < size; i++) {
      int slot = (first + i) % slots;
      used[i] = slot;
      if (slotGfn[slot] < 0 || (miss && inFlight[slot] == 0)) {
        long fresh = vm.pages().allocPage();
        if (slotGfn[slot] >= 0) {
          vm.pages().freePage(slotGfn[slot]);
        }
        slotGfn[slot] = Math.toIntExact(fresh);
      }
      inFlight[slot]++;
      gfns[i] = slotGfn[slot];
    }
    DmaDirection dir =
        vm.random().nextDouble() < READ_SHARE ? DmaDirection.FROM_DEVICE : DmaDirection.TO_DEVICE;
    long callId = vm.newCallId();
    long[] iovas = new long[size];
    int ranges = 0;
    for (int i = 0; i < size; ) {
      int j = i + 1;
      while (j < size && gfns[j] == gfns[j - 1] + 1) {
        j++;
      }
      iovas[ranges++] =
          device.map(
              vm, gfns[i] << GuestPages.PAGE_SHIFT, (long) (j - i) * GuestPages.PAGE, dir, callId);
      i = j;
    }
    int mappedRanges = ranges;
    // A write's data is read by the device once submitted; a read's data is written by it before
    // completion.
    if (dir == DmaDirection.TO_DEVICE) {
      accessAll(vm, iovas, mappedRanges);
    }
    long latency = vm.exponentialNs(LATENCY_MEAN_NS + size * 8_000.0);
    vm.at(
        vm.now() + latency,
        () -> {
          if (dir == DmaDirection.FROM_DEVICE) {
            accessAll(vm, iovas, mappedRanges);
          }
          for (int r = 0; r < mappedRanges; r++) {
            device.unmap(vm, iovas[r]);
          }
          for (int slot : used) {
            inFlight[slot]--;
          }
        });
    vm.at(vm.now() + vm.exponentialNs(1e9 / iops), () -> request(vm));
  }

  private void accessAll(VmSimulation vm, long[] iovas, int ranges) {
    for (int r = 0; r < ranges; r++) {
      device.access(vm, iovas[r]);
    }
  }

  @Override
  public void stop(VmSimulation vm) {
    device.unmapAll(vm);
  }
}
