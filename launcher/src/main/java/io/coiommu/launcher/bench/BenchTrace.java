package io.coiommu.launcher.bench;

import io.coiommu.producer.EndOfTrace;
import io.coiommu.producer.RejectStats;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.VmBatcher;
import io.coiommu.producer.VmEvent;
import io.coiommu.producer.Workloads;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
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

  private final String description;
  private final List<VmEvent> events;
  private final Set<String> vms;

  /** {@link #inProducerBatches()}, made on first use. */
  private List<EventColumns> batched;

  private BenchTrace(String description, List<VmEvent> events) {
    this.description = description;
    this.events = List.copyOf(events);
    Set<String> names = new TreeSet<>();
    for (VmEvent e : events) {
      names.add(e.vm());
    }
    this.vms = Set.copyOf(names);
  }

  static BenchTrace generate(String workload) {
    List<VmEvent> events = new ArrayList<>();
    String description;
    try (TraceSource source = EndOfTrace.stopOpenVms(Workloads.open(workload))) {
      description = source.describe();
      source.forEachRemaining(events::add);
    }
    return new BenchTrace(description, events);
  }

  /**
   * The events of the first {@code traceNanos} of trace time, every VM then stopped at its last
   * event: each VM keeps its order, and the stops let its last window complete.
   */
  BenchTrace firstNanos(long traceNanos) {
    long first = events.isEmpty() ? 0 : events.get(0).event().getTsNs();
    List<VmEvent> kept = new ArrayList<>();
    for (VmEvent e : events) {
      if (e.event().getTsNs() - first < traceNanos && e.event().getType() != EventType.VM_STOP) {
        kept.add(e);
      }
    }
    List<VmEvent> stopped = new ArrayList<>();
    try (TraceSource source = EndOfTrace.stopOpenVms(new Replay(kept, i -> {}))) {
      source.forEachRemaining(stopped::add);
    }
    return new BenchTrace(description + ", first " + traceNanos / 1_000_000_000.0 + " s", stopped);
  }

  String describe() {
    return description + ", " + events.size() + " events";
  }

  /** Trace time from the first event to the last. */
  double traceSeconds() {
    if (events.isEmpty()) {
      return 0;
    }
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (VmEvent e : events) {
      first = Math.min(first, e.event().getTsNs());
      last = Math.max(last, e.event().getTsNs());
    }
    return (last - first) / 1e9;
  }

  List<VmEvent> events() {
    return events;
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
      events.forEach(batcher::add);
      batcher.flushAll();
      int n = batches.stream().mapToInt(EventColumns::size).sum();
      if (n != events.size()) {
        throw new IllegalStateException(
            "the batches hold " + n + " of " + events.size() + " events");
      }
      batched = List.copyOf(batches);
    }
    return batched;
  }

  int size() {
    return events.size();
  }

  Set<String> vms() {
    return vms;
  }

  /**
   * Replays the events in order; {@code taken} hears the index of each event as the producer takes
   * it.
   */
  TraceSource replay(LongConsumer taken) {
    return new Replay(events, taken);
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
