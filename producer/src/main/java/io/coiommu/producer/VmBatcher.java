package io.coiommu.producer;

import io.coiommu.schema.EventBatch;
import io.coiommu.schema.EventBatchBuilder;
import io.coiommu.schema.EventType;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Groups the events of each VM into {@link EventBatch}es (columns, version 3), in order, numbered
 * from 0 per VM, each carrying the index of its first event in the VM's stream. A VM's pending
 * batch goes out when it is full, with the VM's VM_STOP (so a stopped VM leaves nothing behind),
 * when its oldest pending event is {@link #MAX_PENDING_TRACE_NS} of trace time behind the newest
 * event seen, when all pending events together pass a cap (so many interleaved VMs cannot grow the
 * heap: then the fullest batches go), and on {@link #flushAll()}.
 *
 * <p>Batch boundaries may depend on pacing ({@link #flushAll()} before a pacing sleep); event
 * indexes never do: they count a VM's events in trace order, so a consumer can tell exactly which
 * events of a batch it already applied.
 */
public final class VmBatcher {

  /**
   * How far behind the trace clock a VM's pending events may fall before they go out: a quiet VM's
   * batch must reach the processor well within its silence bound (60 s), however fast the replay,
   * or its events would arrive late.
   */
  static final long MAX_PENDING_TRACE_NS = 10_000_000_000L;

  /** A VM's first batch starts in a buffer of this many bytes (64 events) and grows. */
  private static final int INITIAL_BATCH_BYTES = 64 * EventBatchBuilder.TYPICAL_BYTES_PER_EVENT;

  /** Pending ages are checked once per second of trace time, not for every event. */
  private static final long AGE_CHECK_NS = 1_000_000_000L;

  private final int maxBatchEvents;
  private final int maxPendingEvents;
  private final Sink sink;

  /**
   * Takes a VM's batch as it goes out, from the builder that holds it, in the form it needs: {@link
   * EventBatchBuilder#encode} for a trace record's bytes, {@link EventBatchBuilder#build} for an
   * EventBatch. The batcher reuses the builder once the sink returns.
   */
  @FunctionalInterface
  public interface Sink {
    void take(String vm, long seq, long firstIndex, EventBatchBuilder events);
  }

  /**
   * Per VM, how many of its first events the trace topic already holds: those are counted, not
   * sent.
   */
  private final Map<String, Long> alreadySent;

  /**
   * Every VM's stream, by name: open addressing, each slot's name hash beside it in {@link
   * #streamHashes}, so a lookup touches the name's cached hash, slots of these two small arrays and
   * only the stream it finds. A HashMap's node in between was one more cache miss among 1,000 VMs,
   * for the 2 events in 5 that change VM: 7.6 % of the producer thread (issue #14).
   */
  private VmStream[] streams = new VmStream[64];

  private int[] streamHashes = new int[64];

  private int vmCount;

  /**
   * The VMs with a pending batch, oldest first (in the order their batches began), linked through
   * the streams: the order in which the age check, {@link #flushAll()} and, among equal sizes,
   * {@link #flushLargest()} send them, which decides batch boundaries. A LinkedHashMap did the same
   * with a put and a remove per batch (4.6 % of the producer thread).
   */
  private VmStream oldestPending;

  private VmStream newestPending;
  private int pendingVms;

  /**
   * The slot in {@link #streams} of the previous event's stream (-1: none): a generated fleet gives
   * about 3 events in 5 to the same VM as the one before, and the map's lookup, a cache miss or two
   * among 1,000 VMs, was a fifth of the batcher's time (issue #14). Compared by identity: a name
   * equal but not the same object takes the lookup, which finds the same stream, where equals read
   * both names' bytes for every change of VM. An index, not a reference: the batcher lives through
   * a whole trace, in the old generation, where a reference stored at each change of VM pays G1's
   * post-write barrier and its StoreLoad fence.
   */
  private int lastSlot = -1;

  /**
   * Emptied builders, reused so that their buffers are grown once, not for every batch. They may
   * hold as many bytes as the pending batches typically take at the cap: at the cap the fullest
   * half of those go out at once, and a bound of half the cap dropped most of their builders, to be
   * grown again for the VMs' next batches (issue #14). A builder holds about 15 bytes an event
   * where EventColumns held 65, so pending and spare together still take less than pending alone
   * did.
   */
  private final SpareBuilders spare;

  private int pendingEvents;
  private long batches;
  private long skipped;
  private long nextAgeCheckNs = Long.MIN_VALUE;

  /** One VM's position in its stream and its events not sent yet. */
  private static final class VmStream {
    final String vm;

    /** Index of the next event of the VM, sent or skipped. */
    long nextIndex;

    long nextSeq;

    /** The pending batch, encoded as its events arrive; null when nothing is pending. */
    EventBatchBuilder events;

    long pendingSinceNs;

    /** Bytes of the VM's last batch: its next one starts in a buffer about that large. */
    int lastBatchBytes = INITIAL_BATCH_BYTES;

    /** Neighbours in the list of pending VMs; null at its ends or when nothing is pending. */
    VmStream olderPending;

    VmStream newerPending;

    VmStream(String vm) {
      this.vm = vm;
    }
  }

  VmBatcher(int maxBatchEvents, int maxPendingEvents, Sink sink) {
    this(maxBatchEvents, maxPendingEvents, Map.of(), sink);
  }

  /**
   * A batcher that cuts batches exactly as {@link TraceProducer} does, for a measurement that must
   * see a trace in the order the processor's tasks meet it (per VM, batch after batch) without a
   * broker.
   */
  public static VmBatcher likeTraceProducer(Sink sink) {
    return new VmBatcher(
        TraceProducer.MAX_BATCH_EVENTS, TraceProducer.MAX_PENDING_EVENTS, Map.of(), sink);
  }

  /** As {@link #likeTraceProducer(Sink)}, each batch built as an EventBatch. */
  public static VmBatcher likeTraceProducer(Consumer<EventBatch> batches) {
    return likeTraceProducer(built(batches));
  }

  /** A sink that builds each batch as an EventBatch for {@code batches}. */
  static Sink built(Consumer<EventBatch> batches) {
    return (vm, seq, firstIndex, events) -> batches.accept(events.build(vm, seq, firstIndex));
  }

  /**
   * @param alreadySent per VM, how many of its first events are already in the trace topic (see
   *     TraceTopicTail)
   */
  VmBatcher(int maxBatchEvents, int maxPendingEvents, Map<String, Long> alreadySent, Sink sink) {
    if (maxBatchEvents < 1 || maxPendingEvents < maxBatchEvents) {
      throw new IllegalArgumentException("need 1 <= maxBatchEvents <= maxPendingEvents");
    }
    this.maxBatchEvents = maxBatchEvents;
    this.maxPendingEvents = maxPendingEvents;
    this.alreadySent = Map.copyOf(alreadySent);
    this.sink = sink;
    this.spare =
        new SpareBuilders((long) maxPendingEvents * EventBatchBuilder.TYPICAL_BYTES_PER_EVENT);
  }

  /**
   * Takes the next event of the trace: pending for its batch, or counted and dropped when the topic
   * has it already.
   */
  public void add(VmEvent event) {
    VmStream s = lastSlot < 0 ? null : streams[lastSlot];
    if (s == null || s.vm != event.vm()) {
      lastSlot = streamSlot(event.vm());
      s = streams[lastSlot];
    }
    long index = s.nextIndex++;
    if (!alreadySent.isEmpty() && index < alreadySent.getOrDefault(s.vm, 0L)) {
      skipped++;
      return;
    }
    long ts = event.event().getTsNs();
    if (s.events == null) {
      s.events = spare.take(s.lastBatchBytes);
      s.pendingSinceNs = ts;
      appendPending(s);
    }
    s.events.add(event.event());
    pendingEvents++;
    if (s.events.size() >= maxBatchEvents || event.event().getType() == EventType.VM_STOP) {
      flush(s);
    } else if (pendingEvents >= maxPendingEvents) {
      flushLargest();
    }
    if (ts >= nextAgeCheckNs) {
      nextAgeCheckNs = ts + AGE_CHECK_NS;
      // flush unlinks only the stream it sends, so the walk goes on from the saved successor.
      for (VmStream p = oldestPending, next; p != null; p = next) {
        next = p.newerPending;
        if (ts - p.pendingSinceNs >= MAX_PENDING_TRACE_NS) {
          flush(p);
        }
      }
    }
  }

  /** Whether event {@code event} would be sent rather than skipped, without taking it. */
  boolean wouldSend(VmEvent event) {
    if (alreadySent.isEmpty()) {
      return true;
    }
    VmStream s = find(event.vm(), event.vm().hashCode());
    return (s == null ? 0 : s.nextIndex) >= alreadySent.getOrDefault(event.vm(), 0L);
  }

  /**
   * At the cap, the fullest batches go until half the cap is left: sending every VM's batch would
   * cut a fleet's batches at about cap / VMs events (262 at 1,000 VMs, 26 at 10,000), and the
   * processor writes a VM's state once per commit in which it got a batch, so small batches cost a
   * state write each. The VMs left pending are the slow ones, which the trace-time bound still
   * flushes in time.
   */
  private void flushLargest() {
    VmStream[] bySize = new VmStream[pendingVms];
    int k = 0;
    for (VmStream p = oldestPending; p != null; p = p.newerPending) {
      bySize[k++] = p;
    }
    // A stable sort, as before: equal sizes go oldest first.
    Arrays.sort(bySize, (a, b) -> Integer.compare(b.events.size(), a.events.size()));
    for (VmStream s : bySize) {
      if (pendingEvents <= maxPendingEvents / 2) {
        return;
      }
      flush(s);
    }
  }

  public void flushAll() {
    for (VmStream p = oldestPending, next; p != null; p = next) {
      next = p.newerPending;
      flush(p);
    }
  }

  private void flush(VmStream s) {
    EventBatchBuilder events = s.events;
    if (events == null) {
      return;
    }
    s.events = null;
    unlinkPending(s);
    int n = events.size();
    pendingEvents -= n;
    batches++;
    s.lastBatchBytes = events.bytes();
    sink.take(s.vm, s.nextSeq++, s.nextIndex - n, events);
    // A sink that did not take the batch would leave it to start the VM's next one.
    events.clear();
    spare.put(events);
  }

  private void appendPending(VmStream s) {
    s.olderPending = newestPending;
    s.newerPending = null;
    if (newestPending == null) {
      oldestPending = s;
    } else {
      newestPending.newerPending = s;
    }
    newestPending = s;
    pendingVms++;
  }

  private void unlinkPending(VmStream s) {
    if (s.olderPending == null) {
      oldestPending = s.newerPending;
    } else {
      s.olderPending.newerPending = s.newerPending;
    }
    if (s.newerPending == null) {
      newestPending = s.olderPending;
    } else {
      s.newerPending.olderPending = s.olderPending;
    }
    s.olderPending = null;
    s.newerPending = null;
    pendingVms--;
  }

  /** The slot of {@code vm}'s stream, made on its first event. */
  private int streamSlot(String vm) {
    int h = vm.hashCode();
    int i = slot(vm, h);
    if (streams[i] == null) {
      streams[i] = new VmStream(vm);
      streamHashes[i] = h;
      if (2 * ++vmCount > streams.length) {
        growStreams();
        i = slot(vm, h);
      }
    }
    return i;
  }

  private void growStreams() {
    VmStream[] old = streams;
    int[] oldHashes = streamHashes;
    streams = new VmStream[old.length * 2];
    streamHashes = new int[old.length * 2];
    for (int j = 0; j < old.length; j++) {
      if (old[j] != null) {
        int i = slot(old[j].vm, oldHashes[j]);
        streams[i] = old[j];
        streamHashes[i] = oldHashes[j];
      }
    }
  }

  /** The stream of {@code vm}, null before its first event. */
  private VmStream find(String vm, int h) {
    return streams[slot(vm, h)];
  }

  /** The slot of {@code vm}: its own, or the free one where it goes (linear probing). */
  private int slot(String vm, int h) {
    int mask = streams.length - 1;
    int i = (h ^ (h >>> 16)) & mask;
    while (true) {
      VmStream s = streams[i];
      if (s == null || (streamHashes[i] == h && (s.vm == vm || s.vm.equals(vm)))) {
        return i;
      }
      i = (i + 1) & mask;
    }
  }

  long batches() {
    return batches;
  }

  /** Events not sent because the trace topic already held them. */
  long skipped() {
    return skipped;
  }

  /** VMs that have sent at least one batch. */
  long vms() {
    return Arrays.stream(streams).filter(s -> s != null && s.nextSeq > 0).count();
  }
}
