package io.coiommu.producer.synthetic;

import io.coiommu.schema.EventType;
import java.util.Arrays;

/**
 * A virtio-balloon episode: the host asks for {@code bytes} back, the guest balloon driver takes
 * free pages (the most recently freed first, which may be pages that recently held DMA buffers) and
 * reports them in requests of 256 pages, one every half millisecond; after {@code holdNs} it
 * deflates and the pages return to the guest. Contiguous pages are reported as one range.
 */
public final class BalloonEpisode implements Activity {

  private static final int PAGES_PER_REQUEST = 256;
  private static final long REQUEST_GAP_NS = 500_000;

  private static final int INFLATE = 0;

  /** Deflates from the range numbered by the argument. */
  private static final int DEFLATE = 1;

  private final long bytes;
  private final long afterStartNs;
  private final long holdNs;

  /** Ballooned ranges as (first gfn, pages) pairs, for the deflate. */
  private long[] ranges;

  private int rangeCount;

  /** The frames of the request being reported, reused: an episode sends thousands of requests. */
  private long[] request;

  private long pagesLeft;

  public BalloonEpisode(long bytes, long afterStartNs, long holdNs) {
    this.bytes = bytes;
    this.afterStartNs = afterStartNs;
    this.holdNs = holdNs;
  }

  @Override
  public void start(VmSimulation vm) {
    ranges = new long[64];
    request = new long[PAGES_PER_REQUEST];
    pagesLeft = bytes / GuestPages.PAGE;
    if (pagesLeft > 0) {
      vm.at(vm.now() + afterStartNs, this, INFLATE, 0);
    }
  }

  @Override
  public void act(VmSimulation vm, int action, long arg) {
    switch (action) {
      case INFLATE -> inflate(vm);
      case DEFLATE -> deflate(vm, (int) arg);
      default -> throw new IllegalArgumentException("balloon action " + action);
    }
  }

  private void inflate(VmSimulation vm) {
    int n = (int) Math.min(PAGES_PER_REQUEST, pagesLeft);
    long[] gfns = request;
    for (int i = 0; i < n; i++) {
      gfns[i] = vm.pages().allocPage();
    }
    Arrays.sort(gfns, 0, n);
    for (int i = 0; i < n; ) {
      int j = i + 1;
      while (j < n && gfns[j] == gfns[j - 1] + 1) {
        j++;
      }
      vm.emitBalloon(
          EventType.BALLOON_INFLATE,
          gfns[i] << GuestPages.PAGE_SHIFT,
          (long) (j - i) * GuestPages.PAGE);
      remember(gfns[i], j - i);
      i = j;
    }
    pagesLeft -= n;
    if (pagesLeft > 0) {
      vm.at(vm.now() + REQUEST_GAP_NS, this, INFLATE, 0);
    } else {
      vm.at(vm.now() + holdNs, this, DEFLATE, 0);
    }
  }

  private void deflate(VmSimulation vm, int from) {
    int to = from;
    long pages = 0;
    while (to < rangeCount && pages < PAGES_PER_REQUEST) {
      long gfn = ranges[2 * to];
      long n = ranges[2 * to + 1];
      vm.emitBalloon(EventType.BALLOON_DEFLATE, gfn << GuestPages.PAGE_SHIFT, n * GuestPages.PAGE);
      vm.pages().freeRun(gfn, n);
      pages += n;
      to++;
    }
    if (to < rangeCount) {
      vm.at(vm.now() + REQUEST_GAP_NS, this, DEFLATE, to);
    } else {
      ranges = new long[0];
      rangeCount = 0;
      request = null;
    }
  }

  private void remember(long gfn, long pages) {
    if (2 * rangeCount + 2 > ranges.length) {
      ranges = Arrays.copyOf(ranges, ranges.length * 2);
    }
    ranges[2 * rangeCount] = gfn;
    ranges[2 * rangeCount + 1] = pages;
    rangeCount++;
  }

  @Override
  public void stop(VmSimulation vm) {
    // Ballooned pages need no teardown: VM_STOP releases all guest memory.
  }
}
