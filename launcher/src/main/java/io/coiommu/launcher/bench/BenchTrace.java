package io.coiommu.launcher.bench;

import io.coiommu.producer.EndOfTrace;
import io.coiommu.producer.RejectStats;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.VmBatcher;
import io.coiommu.producer.VmEvent;
import io.coiommu.producer.Workloads;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongConsumer;

/**
 * A generated trace held in memory, so that every measurement of one run replays exactly the same
 * events and none of them pays for generating them. Every VM the workload leaves running is stopped
 * at its end, as {@code run} does.
 */
final class BenchTrace {

  /**
   * Events per chunk of {@link #held}: a chunk's columns grow to this size and no further, so
   * holding the trace never copies a column of millions of events.
   */
  private static final int CHUNK_EVENTS = 1 << 20;

  /**
   * A replay's event object and its VMs' {@link VmEvent}s are made anew this often: a few
   * milliseconds of a pass, through which an object lives at most one young collection and so stays
   * young; about one object made per 65 events at 1,000 VMs.
   */
  static final int FRESH_EVERY = 1 << 16;

  private final String description;

  /**
   * The events in trace order as primitive columns, {@link #CHUNK_EVENTS} a chunk, and not as an
   * object graph: 30 M held {@code VmEvent}s kept G1's concurrent marking busy on one of the two
   * cores for 6-11 s of every 20-30 s end-to-end run (GC log, issue #14), a cost of the bench, not
   * of the pipeline, which never holds a trace. Replays make each event afresh, as a generator
   * does.
   */
  private final List<EventColumns> held;

  /** Per chunk, each event's VM as an index into {@link #vmNames}. */
  private final List<int[]> heldVm;

  private final String[] vmNames;
  private final int size;
  private final Set<String> vms;

  /** {@link #inProducerBatches()}, made on first use. */
  private List<EventColumns> batched;

  private BenchTrace(String description, Iterator<VmEvent> events) {
    this.description = description;
    List<EventColumns> chunks = new ArrayList<>();
    List<int[]> chunkVms = new ArrayList<>();
    Map<String, Integer> vmIndex = new HashMap<>();
    Map<String, String> strings = new HashMap<>();
    int n = 0;
    EventColumns chunk = null;
    int[] chunkVm = null;
    while (events.hasNext()) {
      VmEvent e = events.next();
      int at = n % CHUNK_EVENTS;
      if (at == 0) {
        chunk = new EventColumns(4096);
        chunks.add(chunk);
        chunkVm = new int[4096];
        chunkVms.add(chunkVm);
      } else if (at == chunkVm.length) {
        chunkVm = Arrays.copyOf(chunkVm, Math.min(CHUNK_EVENTS, 2 * at));
        chunkVms.set(chunkVms.size() - 1, chunkVm);
      }
      chunk.add(canonical(e.event(), strings));
      chunkVm[at] = vmIndex.computeIfAbsent(e.vm(), k -> vmIndex.size());
      n++;
    }
    this.held = List.copyOf(chunks);
    this.heldVm = List.copyOf(chunkVms);
    this.size = n;
    this.vmNames = new String[vmIndex.size()];
    vmIndex.forEach((vm, i) -> vmNames[i] = vm);
    this.vms = Set.copyOf(new TreeSet<>(vmIndex.keySet()));
  }

  /**
   * {@code e} with its device and host strings shared with every other event naming them, since the
   * columns keep each event's strings by reference.
   */
  private static TraceEvent canonical(TraceEvent e, Map<String, String> strings) {
    e.setDevice(strings.computeIfAbsent(e.getDevice().toString(), s -> s));
    e.setHost(strings.computeIfAbsent(e.getHost().toString(), s -> s));
    return e;
  }

  static BenchTrace generate(String workload) {
    try (TraceSource source = EndOfTrace.stopOpenVms(Workloads.open(workload))) {
      return new BenchTrace(source.describe(), source);
    }
  }

  /**
   * The events of the first {@code traceNanos} of trace time, every VM then stopped at its last
   * event: each VM keeps its order, and the stops let its last window complete.
   */
  BenchTrace firstNanos(long traceNanos) {
    long first = size == 0 ? 0 : held.get(0).tsNs(0);
    List<VmEvent> kept = new ArrayList<>();
    for (VmEvent e : events()) {
      if (e.event().getTsNs() - first < traceNanos && e.event().getType() != EventType.VM_STOP) {
        kept.add(e);
      }
    }
    List<VmEvent> stopped = new ArrayList<>();
    try (TraceSource source = EndOfTrace.stopOpenVms(new Replay(kept, i -> {}))) {
      source.forEachRemaining(stopped::add);
    }
    return new BenchTrace(
        description + ", first " + traceNanos / 1_000_000_000.0 + " s", stopped.iterator());
  }

  String describe() {
    return description + ", " + size + " events";
  }

  /** Trace time from the first event to the last. */
  double traceSeconds() {
    if (size == 0) {
      return 0;
    }
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (EventColumns chunk : held) {
      for (int i = 0; i < chunk.size(); i++) {
        first = Math.min(first, chunk.tsNs(i));
        last = Math.max(last, chunk.tsNs(i));
      }
    }
    return (last - first) / 1e9;
  }

  /**
   * The events in trace order; each {@code get} makes a new event, so a caller that keeps them all
   * holds what this trace does not.
   */
  List<VmEvent> events() {
    return new AbstractList<>() {
      @Override
      public VmEvent get(int i) {
        Objects.checkIndex(i, size);
        int chunk = i / CHUNK_EVENTS;
        int at = i % CHUNK_EVENTS;
        return new VmEvent(vmNames[heldVm.get(chunk)[at]], held.get(chunk).event(at, null));
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  /**
   * The trace as a processor meets it: the batches the producer's {@link VmBatcher} cuts per VM
   * (one Kafka record each, up to 4096 events, all pending ones flushed at 256 Ki), in the order it
   * sends them, decoded into columns as a task decodes a record. Each VM keeps its own order, so
   * every VM's results are those of {@link #events()}; only which VM's events come next differs, as
   * it does in the pipeline. Columns and not the events' objects: a VM's batch of a 1,000-VM fleet
   * is 1 event in 1,000 of the trace order, and read from objects laid out in trace order it missed
   * the cache on every event, where a task reads contiguous arrays.
   */
  List<EventColumns> inProducerBatches() {
    if (batched == null) {
      List<EventColumns> batches = new ArrayList<>();
      VmBatcher batcher = VmBatcher.likeTraceProducer(b -> batches.add(EventColumns.of(b)));
      events().forEach(batcher::add);
      batcher.flushAll();
      int n = batches.stream().mapToInt(EventColumns::size).sum();
      if (n != size) {
        throw new IllegalStateException("the batches hold " + n + " of " + size + " events");
      }
      batched = List.copyOf(batches);
    }
    return batched;
  }

  /**
   * Lets the collector have {@link #inProducerBatches()} (remade on next use). The batches of the
   * 1,000-VM fleet are about 2 GB of live heap, which G1 would otherwise mark again and again in
   * every pass end to end.
   */
  void forgetBatches() {
    batched = null;
  }

  int size() {
    return size;
  }

  Set<String> vms() {
    return vms;
  }

  /**
   * Replays the events in order to a {@link io.coiommu.producer.TraceProducer}; {@code taken} hears
   * the index of each event as the producer takes it.
   *
   * <p>The replay hands out one event object, refilled for each event, and one {@link VmEvent} per
   * VM: the producer takes an event's values before it asks for the next (its contract), and the
   * replay stands for a source that costs nothing, so that end to end measures the pipeline. Made
   * afresh, each event cost 49 % of the producer thread's samples on the 1,000-VM fleet, more than
   * encoding and sending it (issue #14); what a real source costs is the generator's own figure.
   *
   * <p>Both are replaced every {@link #FRESH_EVERY} events, so the refilled event is always young,
   * as a real source's events are. Kept for a whole pass, it was promoted to the old generation,
   * where every store of a reference into it (type, device, host, the boxed gpa) that crosses
   * regions pays G1's post-write barrier with its StoreLoad fence: refilling an old event cost
   * 24-25 ns a event against 15-16 for a young one (thread CPU time, the 2 s fleet, one JVM, issue
   * #14).
   */
  TraceSource replay(LongConsumer taken) {
    List<VmEvent> refilled =
        new AbstractList<>() {
          private TraceEvent event;
          private final VmEvent[] byVm = new VmEvent[vmNames.length];

          @Override
          public VmEvent get(int i) {
            Objects.checkIndex(i, size);
            if (event == null || i % FRESH_EVERY == 0) {
              event = new TraceEvent();
              for (int v = 0; v < byVm.length; v++) {
                byVm[v] = new VmEvent(vmNames[v], event);
              }
            }
            int chunk = i / CHUNK_EVENTS;
            int at = i % CHUNK_EVENTS;
            held.get(chunk).event(at, event);
            return byVm[heldVm.get(chunk)[at]];
          }

          @Override
          public int size() {
            return size;
          }
        };
    return new Replay(refilled, taken);
  }

  private final class Replay implements TraceSource {
    private final List<VmEvent> list;
    private final LongConsumer taken;
    private int next;

    Replay(List<VmEvent> list, LongConsumer taken) {
      this.list = list;
      this.taken = taken;
    }

    @Override
    public boolean hasNext() {
      return next < list.size();
    }

    @Override
    public VmEvent next() {
      if (next >= list.size()) {
        throw new NoSuchElementException();
      }
      taken.accept(next);
      return list.get(next++);
    }

    @Override
    public String describe() {
      return description;
    }

    @Override
    public OptionalLong expectedEvents() {
      return OptionalLong.of(list.size());
    }

    @Override
    public RejectStats rejects() {
      return RejectStats.NONE;
    }
  }
}
