package io.coiommu.launcher.bench;

import io.coiommu.producer.EndOfTrace;
import io.coiommu.producer.RejectStats;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.VmBatcher;
import io.coiommu.producer.VmEvent;
import io.coiommu.producer.Workloads;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  /** In trace order; its elements are replaced (not reordered) by {@link #inProducerBatches()}. */
  private final List<VmEvent> events;

  private final Set<String> vms;

  /** {@link #inProducerBatches()}, made on first use. */
  private List<VmEvent> batched;

  private BenchTrace(String description, List<VmEvent> events) {
    this.description = description;
    this.events = new ArrayList<>(events);
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

  List<VmEvent> events() {
    return Collections.unmodifiableList(events);
  }

  /**
   * The events in the order a processor meets them: the producer's {@link VmBatcher} cuts each VM's
   * events into batches (one Kafka record each, up to 4096 events, all pending ones flushed at 256
   * Ki), and a task feeds one batch's events to its VM's emulator before the next record. Each VM
   * keeps its own order, so every VM's results are those of {@link #events()}; only which VM's
   * events come next differs, as it does in the pipeline.
   *
   * <p>The event objects are made again in this order (both lists then hold the copies): a batch of
   * one VM of a 1,000-VM fleet is 1 event in 1,000 of the trace order, so reading it from objects
   * laid out in trace order would miss the cache on every event, where a task reads a batch from
   * its decoded columns, contiguous.
   */
  List<VmEvent> inProducerBatches() {
    if (batched == null) {
      Map<String, int[]> positions = positionsPerVm();
      List<VmEvent> order = new ArrayList<>(events.size());
      VmBatcher batcher =
          VmBatcher.likeTraceProducer(
              b -> {
                int[] at = positions.get(b.getVm().toString());
                for (int k = (int) b.getFirstIndex(), end = k + b.getCount(); k < end; k++) {
                  VmEvent copy = copy(events.get(at[k]));
                  events.set(at[k], copy);
                  order.add(copy);
                }
              });
      // A flush replaces only events already added, before i.
      for (int i = 0; i < events.size(); i++) {
        batcher.add(events.get(i));
      }
      batcher.flushAll();
      if (order.size() != events.size()) {
        throw new IllegalStateException(
            "the batches hold " + order.size() + " of " + events.size() + " events");
      }
      batched = List.copyOf(order);
    }
    return batched;
  }

  /** Per VM, the position in {@link #events} of each of its events, in order. */
  private Map<String, int[]> positionsPerVm() {
    Map<String, int[]> counts = new HashMap<>();
    for (VmEvent e : events) {
      counts.computeIfAbsent(e.vm(), vm -> new int[1])[0]++;
    }
    Map<String, int[]> positions = new HashMap<>();
    counts.forEach((vm, n) -> positions.put(vm, new int[n[0]]));
    counts.values().forEach(n -> n[0] = 0);
    for (int i = 0; i < events.size(); i++) {
      String vm = events.get(i).vm();
      positions.get(vm)[counts.get(vm)[0]++] = i;
    }
    return positions;
  }

  private static VmEvent copy(VmEvent e) {
    TraceEvent t = e.event();
    return new VmEvent(
        e.vm(),
        new TraceEvent(
            t.getType(),
            t.getTsNs(),
            t.getDevice(),
            t.getIova(),
            t.getGpa() == null ? null : Long.valueOf(t.getGpa().longValue()),
            t.getBytes(),
            t.getDirection(),
            t.getCallId(),
            t.getGuestMemoryBytes(),
            t.getHost()));
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
