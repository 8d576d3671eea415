package io.coiommu.producer.trace;

import io.coiommu.producer.Events;
import io.coiommu.producer.VmEvent;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Counts a buffer once when a trace holds both kernel layers (docs/traces.md, "Both layers"). The
 * DMA-API line wins: it names the device, the direction and the scatter-gather call. An {@code
 * iommu:map} whose iova range a DMA-API map or alloc also covers, within {@link #HOLD_NS} of trace
 * time, lies under that call (dma-iommu.c maps the IOMMU page table inside {@code dma_map_*} /
 * {@code dma_alloc_*}, whose tracepoint fires after it) and is dropped; one no DMA-API line claims
 * is the guest's own IOMMU mapping and passes. {@code iommu:unmap} is by range, as the IOMMU API
 * is: the parts of it over dropped mappings are dropped, the parts over passed mappings pass as one
 * unmap per mapping piece (one guest call), and one that covers no mapping known here passes as it
 * is (the emulator then reports the unknown unmap). Lazy-mode unmaps that come late and cover
 * several buffers are handled alike.
 *
 * <p>To decide, an {@code iommu:map} is held up to {@link #HOLD_NS} with every event after it, so
 * the order of events and their times are kept. Memory: the events of one hold window, plus one
 * entry per live IOMMU mapping.
 */
final class LayerMerge {

  /**
   * How long an iommu:map waits for the DMA-API line of its call: far above the microseconds
   * between the two.
   */
  static final long HOLD_NS = 10_000_000L;

  private enum Kind {
    PLAIN,
    IOMMU_MAP,
    IOMMU_UNMAP
  }

  private static final class Held {
    final VmEvent event;
    final Kind kind;
    boolean claimed;

    Held(VmEvent event, Kind kind) {
      this.event = event;
      this.kind = kind;
    }
  }

  /** A live IOMMU-layer mapping: its iova range end, and whether a DMA-API call claimed it. */
  private record Mapping(long end, boolean claimed) {}

  private final Rejects counts;
  private final LongSupplier callIds;
  private final ArrayDeque<Held> queue = new ArrayDeque<>();

  /** Held iommu:maps not yet claimed, oldest first. */
  private final ArrayDeque<Held> pending = new ArrayDeque<>();

  /** DMA-API maps of the last {@link #HOLD_NS}: ts, iova start, iova end. */
  private final ArrayDeque<long[]> recentDmaMaps = new ArrayDeque<>();

  /** The IOMMU layer's live mappings by iova start, never overlapping. */
  private final TreeMap<Long, Mapping> domain = new TreeMap<>();

  LayerMerge(Rejects counts, LongSupplier callIds) {
    this.counts = counts;
    this.callIds = callIds;
  }

  /**
   * Takes the checked events of one line of {@code layer} and passes on, in order, what is decided.
   */
  void accept(List<VmEvent> line, Layer layer, Deque<VmEvent> ready) {
    for (VmEvent e : line) {
      TraceEvent t = e.event();
      EventType type = t.getType();
      Kind kind = Kind.PLAIN;
      if (layer == Layer.IOMMU && type == EventType.DMA_MAP) {
        kind = Kind.IOMMU_MAP;
      } else if (layer == Layer.IOMMU && type == EventType.DMA_UNMAP) {
        kind = Kind.IOMMU_UNMAP;
      } else if (layer == Layer.DMA_API
          && (type == EventType.DMA_MAP || type == EventType.DMA_ALLOC)) {
        claimUnder(t);
      }
      Held h = new Held(e, kind);
      if (kind == Kind.IOMMU_MAP && underRecentDmaMap(t)) {
        claim(h);
      }
      queue.add(h);
      if (kind == Kind.IOMMU_MAP && !h.claimed) {
        pending.add(h);
      }
      release(t.getTsNs(), false, ready);
    }
  }

  /** At the end of the input: every held event is decided and passed on. */
  void finish(Deque<VmEvent> ready) {
    release(Long.MAX_VALUE, true, ready);
  }

  private void release(long now, boolean end, Deque<VmEvent> ready) {
    while (!queue.isEmpty()) {
      Held h = queue.peekFirst();
      if (h.kind == Kind.IOMMU_MAP
          && !h.claimed
          && !end
          && now - h.event.event().getTsNs() <= HOLD_NS) {
        return;
      }
      queue.pollFirst();
      switch (h.kind) {
        case PLAIN -> ready.add(h.event);
        case IOMMU_MAP -> {
          if (!h.claimed) {
            pending.remove(h);
            TraceEvent t = h.event.event();
            track(t.getIova(), t.getIova() + t.getBytes(), false);
            ready.add(h.event);
          }
        }
        case IOMMU_UNMAP -> unmap(h.event, ready);
      }
    }
  }

  /** A DMA-API map or alloc claims the held iommu:maps its iova range overlaps. */
  private void claimUnder(TraceEvent dma) {
    long start = dma.getIova();
    long end = start + dma.getBytes();
    long ts = dma.getTsNs();
    for (Iterator<Held> it = pending.iterator(); it.hasNext(); ) {
      Held h = it.next();
      TraceEvent m = h.event.event();
      if (overlaps(m.getIova(), m.getIova() + m.getBytes(), start, end)
          && ts - m.getTsNs() <= HOLD_NS) {
        claim(h);
        it.remove();
      }
    }
    while (!recentDmaMaps.isEmpty() && ts - recentDmaMaps.peekFirst()[0] > HOLD_NS) {
      recentDmaMaps.pollFirst();
    }
    recentDmaMaps.add(new long[] {ts, start, end});
  }

  /** The DMA-API line came first (no kernel prints it so, but the rule should not depend on it). */
  private boolean underRecentDmaMap(TraceEvent m) {
    for (long[] d : recentDmaMaps) {
      if (m.getTsNs() - d[0] <= HOLD_NS
          && overlaps(m.getIova(), m.getIova() + m.getBytes(), d[1], d[2])) {
        return true;
      }
    }
    return false;
  }

  private void claim(Held h) {
    h.claimed = true;
    counts.countMerged();
    TraceEvent t = h.event.event();
    track(t.getIova(), t.getIova() + t.getBytes(), true);
  }

  /**
   * A new IOMMU mapping replaces whatever the table still held over its range (an unmap the trace
   * lost).
   */
  private void track(long start, long end, boolean claimed) {
    cut(start, end, null);
    domain.put(start, new Mapping(end, claimed));
  }

  private void unmap(VmEvent e, Deque<VmEvent> ready) {
    TraceEvent t = e.event();
    long start = t.getIova();
    long end = start + Math.max(1, t.getBytes());
    List<long[]> own = new ArrayList<>();
    boolean any = cut(start, end, own);
    if (!any) {
      ready.add(e);
      return;
    }
    if (own.isEmpty()) {
      counts.countMerged();
      return;
    }
    long callId = callIds.getAsLong();
    for (long[] piece : own) {
      ready.add(
          new VmEvent(
              e.vm(),
              Events.unmap(
                  t.getTsNs(), t.getDevice(), piece[0], null, piece[1] - piece[0], callId)));
    }
  }

  /**
   * Removes [start, end) from the tracked mappings, keeping what lies outside it; the removed
   * pieces of mappings no DMA-API call claimed go to {@code own} (when given). Whether the range
   * touched any mapping.
   */
  private boolean cut(long start, long end, List<long[]> own) {
    Map.Entry<Long, Mapping> first = domain.floorEntry(start);
    Long from =
        first != null && first.getValue().end() > start ? first.getKey() : domain.ceilingKey(start);
    boolean any = false;
    while (from != null && from < end) {
      Mapping m = domain.remove(from);
      any = true;
      long lo = Math.max(from, start);
      long hi = Math.min(m.end(), end);
      if (!m.claimed() && own != null) {
        own.add(new long[] {lo, hi});
      }
      if (from < start) {
        domain.put(from, new Mapping(start, m.claimed()));
      }
      if (m.end() > end) {
        domain.put(end, new Mapping(m.end(), m.claimed()));
      }
      from = domain.ceilingKey(hi);
    }
    return any;
  }

  private static boolean overlaps(long a0, long a1, long b0, long b1) {
    return a0 < b1 && b0 < a1;
  }
}
