package io.coiommu.producer.trace;

import io.coiommu.producer.Events;
import io.coiommu.producer.VmEvent;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
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
 * <p>A scatter-gather map through the IOMMU API ({@code iommu_map_sg}) traces one {@code iommu:map}
 * per segment, at consecutive iovas, but is one call (one IOTLB sync); dma-iommu.c later unmaps its
 * whole IOVA block with one {@code iommu:unmap}. Adjacent iovas alone do not tell it (the IOVA
 * allocator often hands out adjacent single pages), so a run of unclaimed {@code iommu:map} lines,
 * each starting where the one before ended, is held until an unmap line decides it: the maps one
 * unmap line removes together are one call, passed on at the time of the first, with its call id;
 * the others are calls of their own (docs/traces.md, "Scatter-gather calls").
 *
 * <p>To decide, an {@code iommu:map} is held up to {@link #HOLD_NS} with every event after it, so
 * the order of events and their times are kept; a map in a run of two or more is held until its
 * unmap, at most {@link #MAX_HELD} events. Memory: the held events, plus one entry per live IOMMU
 * mapping.
 */
final class LayerMerge {

  /**
   * How long an iommu:map waits for the DMA-API line of its call: far above the microseconds
   * between the two.
   */
  static final long HOLD_NS = 10_000_000L;

  /**
   * Events held at most while a run of map lines waits for its unmap: a bound on memory, not on
   * trace time (a ring mapped at boot is unmapped when its driver unbinds). Past it, the oldest map
   * is passed on as a call of its own.
   */
  static final int MAX_HELD = 1 << 20;

  private enum Kind {
    PLAIN,
    IOMMU_MAP,
    IOMMU_UNMAP
  }

  private static final class Held {
    final VmEvent event;
    final Kind kind;
    final long seq;
    boolean claimed;

    /** An unclaimed iommu:map's run of contiguous map lines. */
    Run run;

    /**
     * The maps one unmap line removed together with this one, in trace order; null until an unmap
     * line came.
     */
    List<Held> call;

    /** Passed on already, with the first map of its call. */
    boolean carried;

    Held(VmEvent event, Kind kind, long seq) {
      this.event = event;
      this.kind = kind;
      this.seq = seq;
    }
  }

  /**
   * Consecutive unclaimed iommu:map lines, each starting where the one before ended: maybe one sg
   * call.
   */
  private static final class Run {
    long end;
    long lastTs;
    int size;

    /** No more maps join once an unmap line removed one of it: a later map is another call. */
    boolean closed;
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

  /** Held unclaimed iommu:maps no unmap line has removed yet, by iova. */
  private final TreeMap<Long, Held> undecided = new TreeMap<>();

  private Run openRun;
  private long seq;

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
      Held h = new Held(e, kind, seq++);
      if (kind == Kind.IOMMU_MAP && underRecentDmaMap(t)) {
        claim(h);
      }
      queue.add(h);
      if (kind == Kind.IOMMU_MAP && !h.claimed) {
        pending.add(h);
        joinRun(h);
      } else if (kind == Kind.IOMMU_UNMAP) {
        decideCall(t);
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
          && !h.carried
          && !end
          && (now - h.event.event().getTsNs() <= HOLD_NS
              || h.call == null && h.run.size > 1 && queue.size() < MAX_HELD)) {
        return;
      }
      queue.pollFirst();
      switch (h.kind) {
        case PLAIN -> ready.add(h.event);
        case IOMMU_MAP -> {
          if (!h.claimed && !h.carried) {
            passCall(h, ready);
          }
        }
        case IOMMU_UNMAP -> unmap(h.event, ready);
      }
    }
  }

  /**
   * An unclaimed iommu:map continues the open run when it starts where the run ends, within {@link
   * #HOLD_NS}.
   */
  private void joinRun(Held h) {
    TraceEvent t = h.event.event();
    if (openRun == null
        || openRun.closed
        || t.getIova() != openRun.end
        || t.getTsNs() - openRun.lastTs > HOLD_NS) {
      openRun = new Run();
    }
    h.run = openRun;
    openRun.end = t.getIova() + t.getBytes();
    openRun.lastTs = t.getTsNs();
    openRun.size++;
    Held replaced = undecided.put(t.getIova(), h);
    if (replaced != null) {
      // The same iova mapped again with no unmap line between (the trace lost it): the older map is
      // a call alone.
      replaced.call = List.of(replaced);
    }
  }

  /**
   * The held maps that start inside an unmap line's range are one call (dma-iommu unmaps an sg
   * block at once).
   */
  private void decideCall(TraceEvent unmap) {
    long start = unmap.getIova();
    Map<Long, Held> inside =
        undecided.subMap(start, true, start + Math.max(1, unmap.getBytes()), false);
    if (inside.isEmpty()) {
      return;
    }
    List<Held> call = new ArrayList<>(inside.values());
    call.sort(Comparator.comparingLong(m -> m.seq));
    for (Held m : call) {
      m.call = call;
      m.run.closed = true;
    }
    inside.clear();
  }

  /**
   * Passes on an unclaimed iommu:map, with the rest of its call right after it, at its time and
   * with its call id.
   */
  private void passCall(Held h, Deque<VmEvent> ready) {
    TraceEvent first = h.event.event();
    undecided.remove(first.getIova(), h);
    List<Held> call = h.call == null ? List.of(h) : h.call;
    for (Held m : call) {
      if (m.claimed || m.carried) {
        continue;
      }
      pending.remove(m);
      undecided.remove(m.event.event().getIova(), m);
      m.carried = m != h;
      TraceEvent t = m.event.event();
      track(t.getIova(), t.getIova() + t.getBytes(), false);
      ready.add(
          m == h
              ? m.event
              : new VmEvent(
                  m.event.vm(),
                  TraceEvent.newBuilder(t)
                      .setTsNs(first.getTsNs())
                      .setCallId(first.getCallId())
                      .build()));
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
    if (h.run != null) {
      undecided.remove(h.event.event().getIova(), h);
    }
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
