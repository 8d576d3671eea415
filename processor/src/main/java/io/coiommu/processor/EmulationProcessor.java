package io.coiommu.processor;

import io.coiommu.processor.engine.EmulationSink;
import io.coiommu.processor.engine.Scenario;
import io.coiommu.schema.Anomaly;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventType;
import io.coiommu.schema.ResultHeaders;
import io.coiommu.schema.WindowResult;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Feeds each VM's batches, in order, to that VM's emulator and forwards what it emits.
 *
 * <p>Results carry the batch's record timestamp, not wall-clock time, so output depends only on the
 * input.
 *
 * <p>State: live emulators stay in task memory, where batches update them at full speed; right
 * before the task commits, the state of every VM changed since the last commit is written to the
 * changelogged {@link VmStateStore} (see there why the hook sits in the store), in the same
 * transaction as the input offsets. After a crash, a restart or a rebalance, the task reads every
 * VM's state back from the store, so the results are exactly those of an uninterrupted run.
 *
 * <p>Event time: each VM's events are put back in timestamp order within the reorder bound (see
 * {@link VmState}); the partition's largest trace time is the watermark that closes the windows of
 * VMs that fell silent.
 */
final class EmulationProcessor implements Processor<String, EventColumns, String, SpecificRecord> {

  /**
   * How far the partition's trace time must be past a silent VM's before its windows are closed.
   */
  static final long SILENCE_NS = 60_000_000_000L;

  /** Store key of the partition's watermark: no VM id starts with a NUL character. */
  private static final String WATERMARK_KEY = "\u0000watermark";

  /** Store keys of a VM's state: the VM id, this separator, the chunk number. */
  private static final char CHUNK_SEPARATOR = '\u0000';

  private final ProcessorConfig config;
  private final String resultsChild;
  private final String anomaliesChild;

  /**
   * The VMs this task has seen since init, as in the store plus every batch since the last commit.
   */
  private final Map<String, VmState> vms = new HashMap<>();

  /** VMs changed since the last commit. */
  private final Set<String> dirty = new HashSet<>();

  /**
   * How many chunks each VM's state has in the store, so that a state that shrank deletes the rest.
   */
  private final Map<String, Integer> chunkCounts = new HashMap<>();

  private ProcessorContext<String, SpecificRecord> context;

  /** Which application made a result (see ResultHeaders): plain and last records. */
  private Headers resultHeaders;

  private Headers lastResultHeaders;
  private KeyValueStore<String, byte[]> store;

  /** Largest trace time seen on this task's partition. */
  private long watermarkNs = Long.MIN_VALUE;

  /** Where {@link #closeSilentVms} last released every VM to. */
  private long closedNs = Long.MIN_VALUE;

  private boolean loaded;

  /** Reused by every commit: it grows to the largest VM's state once instead of for every VM. */
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 16);

  EmulationProcessor(ProcessorConfig config, String resultsChild, String anomaliesChild) {
    this.config = config;
    this.resultsChild = resultsChild;
    this.anomaliesChild = anomaliesChild;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    resultHeaders = ResultHeaders.of(context.applicationId());
    lastResultHeaders =
        ResultHeaders.ofLast(
            context.applicationId(),
            config.scenarios().stream().map(Scenario::name).toList(),
            config.engine().costs().describe());
    this.store = context.getStateStore(VmStateStore.NAME);
    // init also follows a resume after suspension: the store, not this object's memory, is what was
    // committed.
    vms.clear();
    dirty.clear();
    chunkCounts.clear();
    loaded = false;
    VmStateStore.beforeCommit(store, this::saveDirty);
  }

  /**
   * Reads every VM's state before the first batch, not only the state of those whose batches come
   * next: the watermark must close silent VMs' windows too.
   */
  private void load() {
    loaded = true;
    watermarkNs = Long.MIN_VALUE;
    closedNs = Long.MIN_VALUE;
    Map<String, TreeMap<Integer, byte[]>> chunks = new HashMap<>();
    try (KeyValueIterator<String, byte[]> all = store.all()) {
      all.forEachRemaining(
          kv -> {
            if (kv.key.equals(WATERMARK_KEY)) {
              ByteBuffer b = ByteBuffer.wrap(kv.value);
              watermarkNs = b.getLong();
              closedNs = b.getLong();
            } else {
              int sep = kv.key.lastIndexOf(CHUNK_SEPARATOR);
              chunks
                  .computeIfAbsent(kv.key.substring(0, sep), vm -> new TreeMap<>())
                  .put(Integer.parseInt(kv.key.substring(sep + 1)), kv.value);
            }
          });
    }
    chunks.forEach(
        (vm, parts) -> {
          if (parts.lastKey() != parts.size() - 1) {
            throw new IllegalStateException(
                "VM "
                    + vm
                    + ": state chunks "
                    + parts.keySet()
                    + " are not 0.."
                    + (parts.size() - 1));
          }
          ByteArrayOutputStream whole =
              new ByteArrayOutputStream(parts.values().stream().mapToInt(p -> p.length).sum());
          parts.values().forEach(whole::writeBytes);
          vms.put(vm, VmState.fromBytes(vm, config, whole.toByteArray()));
          chunkCounts.put(vm, parts.size());
        });
  }

  private static String chunkKey(String vm, int i) {
    return vm + CHUNK_SEPARATOR + i;
  }

  private void saveDirty() {
    if (dirty.isEmpty()) {
      return;
    }
    for (String vm : dirty) {
      buffer.reset();
      vms.get(vm).writeTo(vm, buffer);
      // A VM's state follows its working set and can pass any record size limit: it goes in chunks.
      byte[] bytes = buffer.toByteArray();
      int n = Math.max(1, (bytes.length + VmStateStore.CHUNK_BYTES - 1) / VmStateStore.CHUNK_BYTES);
      for (int i = 0; i < n; i++) {
        store.put(
            chunkKey(vm, i),
            Arrays.copyOfRange(
                bytes,
                i * VmStateStore.CHUNK_BYTES,
                Math.min(bytes.length, (i + 1) * VmStateStore.CHUNK_BYTES)));
      }
      Integer before = chunkCounts.put(vm, n);
      for (int i = n; before != null && i < before; i++) {
        store.delete(chunkKey(vm, i));
      }
    }
    dirty.clear();
    store.put(
        WATERMARK_KEY, ByteBuffer.allocate(16).putLong(watermarkNs).putLong(closedNs).array());
  }

  @Override
  public void close() {
    vms.clear();
    dirty.clear();
  }

  private VmState state(String vm) {
    return vms.computeIfAbsent(vm, id -> new VmState());
  }

  @Override
  public void process(Record<String, EventColumns> record) {
    EventColumns batch = record.value();
    if (batch == null) {
      return;
    }
    if (!loaded) {
      load();
    }
    String vm = batch.vm();
    long timestamp = record.timestamp();
    Forwarder out = new Forwarder(vm, timestamp);
    VmState state = state(vm);
    dirty.add(vm);
    int from = firstNewEvent(state, batch, out);
    if (from == batch.size()) {
      return;
    }
    for (int i = from; i < batch.size(); i++) {
      long ts = batch.tsNs(i);
      boolean onTime = ts >= state.frontierNs;
      state.hold(batch, i, vm, config, out);
      watermarkNs = Math.max(watermarkNs, ts);
      if (onTime && batch.type(i) == EventType.VM_STOP) {
        state.releaseAll(vm, config, out);
        // The VM's last records are complete: commit soon rather than at the next interval, so that
        // readers (who see
        // committed results only) get a finished VM's totals at once; VM stops are rare, so commits
        // stay few.
        context.commit();
      }
    }
    state.release(saturatedMinus(state.maxTsNs, config.reorderBoundNs()), vm, config, out);
    closeSilentVms(timestamp);
  }

  /**
   * Each time the partition's watermark, less {@link #SILENCE_NS}, enters a new window, every VM of
   * the task is released up to it, so a VM that fell silent gets its windows closed. The lag must
   * cover how far apart in trace time the producer sends different VMs' batches of one partition
   * (it batches per VM), or their events would be late; it depends only on the input order, so a
   * replay gives the same records.
   */
  private void closeSilentVms(long timestamp) {
    long closeNs = saturatedMinus(watermarkNs, SILENCE_NS);
    if (closeNs == Long.MIN_VALUE
        || Math.floorDiv(closeNs, config.engine().windowNs())
            <= Math.floorDiv(closedNs, config.engine().windowNs())) {
      return;
    }
    closedNs = closeNs;
    for (Map.Entry<String, VmState> e : vms.entrySet()) {
      if (e.getValue().frontierNs < closeNs) {
        e.getValue().release(closeNs, e.getKey(), config, new Forwarder(e.getKey(), timestamp));
        dirty.add(e.getKey());
      }
    }
  }

  private static long saturatedMinus(long a, long b) {
    return a < Long.MIN_VALUE + b ? Long.MIN_VALUE : a - b;
  }

  /**
   * The first event of {@code batch} not applied yet: exactly once per event of a VM's stream. A
   * batch that carries its position (version 3) is cut against the VM's next expected index, so a
   * batch repeated whole or in part (a restarted producer cuts batches wherever its pacing made it)
   * applies only its new events; older batches go by their sequence number. Repeats are reported
   * (the producer re-sent what the topic had); a gap means events were lost upstream, which is
   * reported but cannot be undone.
   *
   * @return {@code batch.size()} when nothing of it is new
   */
  private static int firstNewEvent(VmState state, EventColumns batch, Forwarder out) {
    long first = batch.firstIndex();
    if (first < 0) {
      long expected = state.nextSeq;
      long seq = batch.seq();
      if (seq < expected) {
        out.anomaly(BatchAnomalies.repeated(batch, expected));
        return batch.size();
      }
      if (seq > expected) {
        out.anomaly(BatchAnomalies.gap(batch, expected));
      }
      state.nextSeq = seq + 1;
      if (state.nextIndex != VmState.INDEX_UNKNOWN) {
        state.nextIndex += batch.size();
      }
      return 0;
    }
    long expected = state.nextIndex == VmState.INDEX_UNKNOWN ? first : state.nextIndex;
    long end = first + batch.size();
    if (first < expected) {
      out.anomaly(BatchAnomalies.eventsRepeated(batch, expected));
    } else if (first > expected) {
      out.anomaly(BatchAnomalies.eventGap(batch, expected));
    }
    state.nextIndex = Math.max(expected, end);
    return (int) Math.min(batch.size(), Math.max(0, expected - first));
  }

  private final class Forwarder implements EmulationSink {
    private final String vm;
    private final long timestamp;

    Forwarder(String vm, long timestamp) {
      this.vm = vm;
      this.timestamp = timestamp;
    }

    @Override
    public void window(WindowResult r) {
      context.forward(
          new Record<String, SpecificRecord>(
              vm, r, timestamp, r.getLast() ? lastResultHeaders : resultHeaders),
          resultsChild);
    }

    @Override
    public void anomaly(Anomaly a) {
      context.forward(new Record<String, SpecificRecord>(vm, a, timestamp), anomaliesChild);
    }
  }
}
