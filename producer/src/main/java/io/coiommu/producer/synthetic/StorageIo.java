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
  private static final int MAX_PAGES = 32;

  private static final int REQUEST = 0;

  /** Request number {@code arg} completes. */
  private static final int COMPLETE = 1;

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

  private WorkingSetPages slotGfn;

  // Requests in flight, each in a place reused once it completes: where its pages start in the
  // working set and how many, whether it reads, and the mappings of its ranges. Few are in flight
  // at once (the rate times the latency), so a slot's "under I/O" is a scan of them rather than a
  // counter per slot of the working set.
  private int[] reqFirst = new int[4];
  private int[] reqSize = new int[4];
  private boolean[] reqReads = new boolean[4];
  private int[] reqRanges = new int[4];
  private long[] reqMappings = new long[4 * MAX_PAGES];
  private boolean[] reqBusy = new boolean[4];

  /** The gfns of the request being made, reused. */
  private final long[] gfns = new long[MAX_PAGES];

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
    slotGfn = new WorkingSetPages((int) Math.max(MAX_PAGES, workingSetBytes / GuestPages.PAGE));
    if (iops > 0) {
      vm.at(vm.now() + vm.exponentialNs(1e9 / iops), this, REQUEST, 0);
    }
  }

  @Override
  public void act(VmSimulation vm, int action, long arg) {
    switch (action) {
      case REQUEST -> request(vm);
      case COMPLETE -> complete(vm, (int) arg);
      default -> throw new IllegalArgumentException("storage action " + action);
    }
  }

  private void request(VmSimulation vm) {
    int slots = slotGfn.slots();
    int size = SIZES_PAGES[vm.random().nextInt(SIZES_PAGES.length)];
    int first =
        vm.random().nextDouble() < HOT_SHARE
            ? vm.random().nextInt(Math.max(1, slots / 5))
            : vm.random().nextInt(slots);
    boolean miss = vm.random().nextDouble() >= reuse;
    for (int i = 0; i < size; i++) {
      int slot = (first + i) % slots;
      long gfn = slotGfn.gfn(slot);
      if (gfn < 0 || (miss && !underIo(slot))) {
        long fresh = vm.pages().allocPage();
        if (gfn >= 0) {
          vm.pages().freePage(gfn);
        }
        slotGfn.set(slot, fresh);
        gfn = fresh;
      }
      gfns[i] = gfn;
    }
    int r = newRequest(first, size);
    boolean reads = vm.random().nextDouble() < READ_SHARE;
    reqReads[r] = reads;
    DmaDirection dir = reads ? DmaDirection.FROM_DEVICE : DmaDirection.TO_DEVICE;
    long callId = vm.newCallId();
    int ranges = 0;
    for (int i = 0; i < size; ) {
      int j = i + 1;
      while (j < size && gfns[j] == gfns[j - 1] + 1) {
        j++;
      }
      reqMappings[MAX_PAGES * r + ranges++] =
          device.map(
              vm, gfns[i] << GuestPages.PAGE_SHIFT, (long) (j - i) * GuestPages.PAGE, dir, callId);
      i = j;
    }
    reqRanges[r] = ranges;
    // A write's data is read by the device once submitted; a read's data is written by it before
    // completion.
    if (!reads) {
      accessAll(vm, r);
    }
    long latency = vm.exponentialNs(LATENCY_MEAN_NS + size * 8_000.0);
    vm.at(vm.now() + latency, this, COMPLETE, r);
    vm.at(vm.now() + vm.exponentialNs(1e9 / iops), this, REQUEST, 0);
  }

  private void complete(VmSimulation vm, int r) {
    if (reqReads[r]) {
      accessAll(vm, r);
    }
    for (int i = 0; i < reqRanges[r]; i++) {
      device.unmap(vm, reqMappings[MAX_PAGES * r + i]);
    }
    reqBusy[r] = false;
  }

  /** Whether a request in flight covers {@code slot}: the page cache keeps a page under I/O. */
  private boolean underIo(int slot) {
    int slots = slotGfn.slots();
    for (int r = 0; r < reqBusy.length; r++) {
      if (reqBusy[r]) {
        int d = slot - reqFirst[r];
        if (d < 0) {
          d += slots;
        }
        if (d < reqSize[r]) {
          return true;
        }
      }
    }
    return false;
  }

  private int newRequest(int first, int size) {
    int r = 0;
    while (r < reqBusy.length && reqBusy[r]) {
      r++;
    }
    if (r == reqBusy.length) {
      int n = 2 * r;
      reqFirst = Arrays.copyOf(reqFirst, n);
      reqSize = Arrays.copyOf(reqSize, n);
      reqReads = Arrays.copyOf(reqReads, n);
      reqRanges = Arrays.copyOf(reqRanges, n);
      reqMappings = Arrays.copyOf(reqMappings, MAX_PAGES * n);
      reqBusy = Arrays.copyOf(reqBusy, n);
    }
    reqBusy[r] = true;
    reqFirst[r] = first;
    reqSize[r] = size;
    return r;
  }

  private void accessAll(VmSimulation vm, int r) {
    for (int i = 0; i < reqRanges[r]; i++) {
      device.access(vm, reqMappings[MAX_PAGES * r + i]);
    }
  }

  @Override
  public void stop(VmSimulation vm) {
    device.unmapAll(vm);
  }
}
