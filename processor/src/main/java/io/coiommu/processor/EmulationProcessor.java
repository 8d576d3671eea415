package io.coiommu.processor;

import io.coiommu.processor.engine.EmulationSink;
import io.coiommu.processor.engine.Scenario;
import io.coiommu.schema.Anomaly;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventType;
import io.coiommu.schema.ResultHeaders;
import io.coiommu.schema.WindowResult;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
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

  /**
   * A VM's stop asks for a commit once the task's input has paused for this much wall time, rather
   * than at the next interval, so that a finished VM's totals reach read_committed readers at once
   * when nothing follows them (the end of a trace, a quiet live feed). While batches keep coming,
   * the interval's commits serve, and the stops of a fleet whose VMs come and go ask for none: a
   * commit is an exactly-once transaction that writes every VM changed since the last one, and
   * commits on stops amid the 1,000-VM fleet's churn made 178-353 commits a pass where the interval
   * makes about 54, more than half of the commits' cost in the stream threads (issue #14). Requests
   * of VMs stopping together share one commit. Commits decide when results become visible, never
   * what they are.
   */
  static final Duration STOP_COMMIT_DELAY = Duration.ofMillis(100);

  /** Store key of the partition's watermark: no VM id starts with a NUL character. */
  private static final String WATERMARK_KEY = VmStateLog.SEPARATOR + "watermark";

  private final ProcessorConfig config;
  private final String resultsChild;
  private final String anomaliesChild;

  /**
   * The VMs this task has seen since init, as in the store plus every batch since the last commit.
   */
  private final Map<String, VmState> vms = new HashMap<>();

  /** VMs changed since the last commit. */
  private final Set<String> dirty = new HashSet<>();

  private ProcessorContext<String, SpecificRecord> context;

  /** Which application made a result (see ResultHeaders): plain and last records. */
  private Headers resultHeaders;

  private Headers lastResultHeaders;
  private KeyValueStore<String, byte[]> store;

  /** The store's layout of VM states: a commit writes what changed since the last one. */
  private VmStateLog log;

  private Sensor commitBytes;
  private Sensor wholeBytes;

  /** Largest trace time seen on this task's partition. */
  private long watermarkNs = Long.MIN_VALUE;

  /** Where {@link #closeSilentVms} last released every VM to. */
  private long closedNs = Long.MIN_VALUE;

  private boolean loaded;

  /** A VM stopped since the last commit: its totals wait for one. */
  private boolean stoppedSinceCommit;

  /**
   * A batch came since the last {@link #STOP_COMMIT_DELAY} punctuation: the input has not paused.
   */
  private boolean batchSincePunctuation;

  /** Reused by every commit: it grows to the largest VM's state once instead of for every VM. */
  private final VmStateLog.Buffer buffer = new VmStateLog.Buffer(1 << 16);

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
    this.log = new VmStateLog(store);
    // Sensors are named per task: a thread's tasks share its metrics registry.
    commitBytes =
        context
            .metrics()
            .addSensor(
                "coiommu-state-commit-bytes-" + context.taskId(), Sensor.RecordingLevel.INFO);
    Map<String, String> tags = Map.of("task-id", context.taskId().toString());
    commitBytes.add(
        new MetricName(
            StateCommitMetrics.BYTES_WRITTEN,
            StateCommitMetrics.GROUP,
            "bytes of VM state pieces and manifests the commits wrote to the store",
            tags),
        new CumulativeSum());
    wholeBytes =
        context
            .metrics()
            .addSensor("coiommu-state-whole-bytes-" + context.taskId(), Sensor.RecordingLevel.INFO);
    wholeBytes.add(
        new MetricName(
            StateCommitMetrics.BYTES_WHOLE,
            StateCommitMetrics.GROUP,
            "bytes the commits would have written with each changed VM's whole state",
            tags),
        new CumulativeSum());
    // init also follows a resume after suspension: the store, not this object's memory, is what was
    // committed.
    vms.clear();
    dirty.clear();
    loaded = false;
    VmStateStore.beforeCommit(store, this::saveDirty);
    stoppedSinceCommit = false;
    batchSincePunctuation = false;
    context.schedule(
        STOP_COMMIT_DELAY,
        PunctuationType.WALL_CLOCK_TIME,
        now -> {
          if (stoppedSinceCommit && !batchSincePunctuation) {
            context.commit();
          }
          batchSincePunctuation = false;
        });
  }

  /**
   * Reads every VM's state before the first batch, not only the state of those whose batches come
   * next: the watermark must close silent VMs' windows too.
   */
  private void load() {
    loaded = true;
    watermarkNs = Long.MIN_VALUE;
    closedNs = Long.MIN_VALUE;
    byte[] watermark = store.get(WATERMARK_KEY);
    if (watermark != null) {
      ByteBuffer b = ByteBuffer.wrap(watermark);
      watermarkNs = b.getLong();
      closedNs = b.getLong();
    }
    log.load((vm, bytes) -> vms.put(vm, VmState.fromBytes(vm, config, bytes)));
  }

  private void saveDirty() {
    stoppedSinceCommit = false;
    if (dirty.isEmpty()) {
      return;
    }
    long written = log.bytesWritten();
    long whole = 0;
    for (String vm : dirty) {
      buffer.reset();
      vms.get(vm).writeTo(vm, buffer);
      log.save(vm, buffer.array(), buffer.size());
      whole += buffer.size();
    }
    commitBytes.record(log.bytesWritten() - written);
    wholeBytes.record(whole);
    dirty.clear();
    store.put(
        WATERMARK_KEY, ByteBuffer.allocate(16).putLong(watermarkNs).putLong(closedNs).array());
  }

  @Override
  public void close() {
    context.metrics().removeSensor(commitBytes);
    context.metrics().removeSensor(wholeBytes);
    vms.clear();
    dirty.clear();
  }

  private VmState state(String vm) {
    return vms.computeIfAbsent(vm, id -> new VmState());
  }

  /**
   * Applies the batch, then recycles it (see EventColumns.recycle), so that the thread's next
   * record is decoded into its arrays: nothing keeps the batch once it is applied. Its events are
   * emulated where they lie or copied into the VM's held buffer, the emulator's cursor lets go of
   * it after each call, and the anomalies about it carry copies of its events (their strings are
   * shared, being immutable), serialized by the sinks as they are forwarded. This processor is the
   * source's only child, so nothing else receives the batch. After an exception the batch is not
   * recycled: Streams' exception handlers may still look at the record.
   */
  @Override
  public void process(Record<String, EventColumns> record) {
    EventColumns batch = record.value();
    if (batch == null) {
      return;
    }
    apply(batch, record.timestamp());
    batch.recycle();
  }

  private void apply(EventColumns batch, long timestamp) {
    if (!loaded) {
      load();
    }
    batchSincePunctuation = true;
    String vm = batch.vm();
    Forwarder out = new Forwarder(vm, timestamp);
    VmState state = state(vm);
    dirty.add(vm);
    int from = firstNewEvent(state, batch, out);
    if (from == batch.size()) {
      return;
    }
    if (!state.takeInOrder(batch, from, vm, config, out)) {
      for (int i = from; i < batch.size(); ) {
        i = state.hold(batch, i, vm, config, out);
        // Holding moves no frontier, so a VM_STOP at or after it was taken on time.
        if (batch.type(i - 1) == EventType.VM_STOP && batch.tsNs(i - 1) >= state.frontierNs) {
          state.releaseAll(vm, config, out);
          // The VM's last records are complete: see STOP_COMMIT_DELAY.
          stoppedSinceCommit = true;
        }
      }
    }
    // A late event is earlier than the frontier, which never passes the watermark: the VM's largest
    // time is the batch's contribution to it.
    watermarkNs = Math.max(watermarkNs, state.maxTsNs);
    state.release(VmState.saturatedMinus(state.maxTsNs, config.reorderBoundNs()), vm, config, out);
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
    long closeNs = VmState.saturatedMinus(watermarkNs, SILENCE_NS);
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
