package io.coiommu.processor.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * coIOMMU with crosvm's semantics (devices/src/pci/coiommu.rs and the ChromeOS guest driver
 * kernel/dma/coiommu.c).
 *
 * <p>The DMA tracking table entry of a page holds P (pinned, host-written), A (accessed, set by the
 * guest on map and cleared by the host's scan) and the map count. The map count is the guest's and
 * equals the VM's {@link MappedPages} count, so this class keeps only P and A, as bitmaps with A
 * set only where P is.
 *
 * <p>The LRU unpin worker is crosvm's ({@link OnDemandPinning}).
 *
 * <p>The {@code lazy=off} ablation unpins at unmap time, which crosvm never does, so its list rule
 * is this project's: a page keeps at most one list entry. Its eagerly unpinned pages keep their
 * entries, and a page pinned again while its entry is still listed is not appended twice; otherwise
 * the lists would grow with every pin of the interval (megabytes per busy NIC) instead of with the
 * pages. Its pinned set is unaffected: with eager unpinning a pinned page is a mapped page, which
 * no scan unpins.
 */
final class CoIommu extends OnDemandPinning {

  private final DttFootprint footprint;
  private boolean callNotified;
  private long callSpan;
  private boolean unmapCallNotified;
  private boolean released;

  /**
   * @param unpin the LRU unpin worker's options
   * @param smart smart pinning (notify only when a page of the call is unpinned)
   * @param lazy lazy unpinning (unmaps never notify)
   * @param pinAhead pages pinned speculatively after the range that triggered a notification
   */
  record Params(UnpinSchedule unpin, boolean smart, boolean lazy, int pinAhead)
      implements PolicyParams {

    /** Without parameters: crosvm's defaults, no ablation. */
    static Params parse(SpecParams p) {
      return new Params(
          UnpinSchedule.parse(p),
          p.onOff("smart", true),
          p.onOff("lazy", true),
          (int) p.integer("pinahead", 0, 0, 1_000_000));
    }

    @Override
    public PolicyKind kind() {
      return PolicyKind.COIOMMU;
    }

    @Override
    public String name() {
      return kind().specName()
          + ":"
          + unpin.canonical()
          + ",smart="
          + SpecParams.onOff(smart)
          + ",lazy="
          + SpecParams.onOff(lazy)
          + ",pinahead="
          + pinAhead;
    }

    @Override
    public Policy create(Scenario scenario, PolicyContext context) {
      return new CoIommu(scenario, context, this);
    }
  }

  private final Params params;

  private final PageBitmap.WordVisitor pinMapped = this::pinMapped;
  private final PageBitmap.WordVisitor unpinUnmapped = this::unpinUnmapped;

  CoIommu(Scenario scenario, PolicyContext context, Params params) {
    super(scenario, context, ExitKind.IOEVENTFD, params.unpin(), !params.lazy());
    this.params = params;
    this.footprint = context.footprint();
  }

  @Override
  void beginMapCall(long ts) {
    add(Counter.MAP_CALLS, 1);
    add(Counter.MAP_CALLS_NO_EXIT, 1);
    callNotified = false;
    callSpan = spanSeq;
  }

  @Override
  void mapRange(long ts, long iovaPage, long gfn, long pages) {
    boolean notifiedBefore = callNotified;
    long end = gfn + pages;
    pinMapped.forEachWord(gfn, end);
    if (!params.smart() && !callNotified) {
      notifyHost();
    }
    if (callNotified && !notifiedBefore && params.pinAhead() > 0) {
      pinAhead(end);
    }
    setPinned(ts, pinnedPages.cardinality());
  }

  private boolean pinMapped(long wi, long m) {
    // The guest has raised the count (MappedPages) and sets A; the pages without P form the call's
    // pin request.
    long toPin = m & ~pinnedPages.orWord(wi, m);
    accessed.orWord(wi, m);
    if (toPin != 0) {
      if (!callNotified) {
        notifyHost();
      }
      countPins(wi, toPin);
    }
    return true;
  }

  private void notifyHost() {
    callNotified = true;
    trap(false);
    if (callSpan == spanSeq) {
      add(Counter.MAP_CALLS_NO_EXIT, -1);
    }
  }

  /**
   * Speculative pinning of the pages after the range that notified; the host can set P only where a
   * DTT leaf exists.
   */
  private void pinAhead(long from) {
    long to = Math.min(from + params.pinAhead(), PageTable.GFN_LIMIT);
    for (long g = from; g < to; g++) {
      if (footprint.hasEntry(g) && !pinnedPages.get(g)) {
        pinnedPages.set(g);
        countPins(g >>> 6, 1L << g);
      }
    }
  }

  @Override
  void beginUnmapCall(long ts) {
    unmapCallNotified = false;
  }

  @Override
  void unmapRange(long ts, long iovaPage, long gfn, long pages) {
    if (params.lazy()) {
      return;
    }
    // Ablation: an unmap that drops a count to 0 notifies once per call and the host unpins those
    // pages at once.
    if (mapped.transitionCount() == 0) {
      return;
    }
    if (!unmapCallNotified) {
      unmapCallNotified = true;
      trap(false);
    }
    // The pages of the range no longer mapped are exactly those whose count this unmap dropped to
    // 0.
    unpinUnmapped.forEachWord(gfn, gfn + pages);
    setPinned(ts, pinnedPages.cardinality());
  }

  private boolean unpinUnmapped(long wi, long range) {
    long unmapped = range & ~mapped.pages().word(wi);
    if (unmapped != 0) {
      accessed.clearWord(wi, unmapped);
      countUnpins(Long.bitCount(pinnedPages.clearWord(wi, unmapped) & unmapped));
    }
    return true;
  }

  @Override
  void writeState(DataOutput out) throws IOException {
    super.writeState(out);
    out.writeBoolean(callNotified);
    out.writeLong(callSpan);
    out.writeBoolean(unmapCallNotified);
    out.writeBoolean(released);
  }

  @Override
  void readState(DataInput in) throws IOException {
    super.readState(in);
    callNotified = in.readBoolean();
    callSpan = in.readLong();
    unmapCallNotified = in.readBoolean();
    released = in.readBoolean();
  }

  @Override
  long dttBytes() {
    return released ? 0 : footprint.bytes();
  }

  @Override
  void release(long ts) {
    released = true;
    super.release(ts);
  }
}
