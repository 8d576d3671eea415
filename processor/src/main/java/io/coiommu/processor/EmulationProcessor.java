package io.coiommu.processor;

import io.coiommu.processor.engine.EmulationSink;
import io.coiommu.processor.engine.VmEmulator;
import io.coiommu.schema.Anomaly;
import io.coiommu.schema.EventBatch;
import io.coiommu.schema.TraceEvent;
import io.coiommu.schema.WindowResult;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
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
 * <p>State: live emulators stay in task memory, where batches update them at full speed; right before the task
 * commits, the state of every VM changed since the last commit is written to the changelogged {@link VmStateStore}
 * (see there why the hook sits in the store), in the same transaction as the input offsets. After a crash, a restart
 * or a rebalance, a VM's state is read back from the store when its next batch arrives, so the results are exactly
 * those of an uninterrupted run.
 */
final class EmulationProcessor implements Processor<String, EventBatch, String, SpecificRecord> {

  private final ProcessorConfig config;
  private final String resultsChild;
  private final String anomaliesChild;
  /** The VMs this task has seen since init, as in the store plus every batch since the last commit. */
  private final Map<String, VmState> vms = new HashMap<>();
  /** VMs changed since the last commit. */
  private final Set<String> dirty = new HashSet<>();
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, byte[]> store;

  EmulationProcessor(ProcessorConfig config, String resultsChild, String anomaliesChild) {
    this.config = config;
    this.resultsChild = resultsChild;
    this.anomaliesChild = anomaliesChild;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.store = context.getStateStore(VmStateStore.NAME);
    // init also follows a resume after suspension: the store, not this object's memory, is what was committed.
    vms.clear();
    dirty.clear();
    VmStateStore.beforeCommit(store, this::saveDirty);
  }

  private void saveDirty() {
    for (String vm : dirty) {
      store.put(vm, vms.get(vm).toBytes());
    }
    dirty.clear();
  }

  @Override
  public void close() {
    vms.clear();
    dirty.clear();
  }

  private VmState state(String vm) {
    VmState s = vms.get(vm);
    if (s == null) {
      byte[] saved = store.get(vm);
      s = saved == null ? new VmState() : VmState.fromBytes(vm, config, saved);
      vms.put(vm, s);
    }
    return s;
  }

  @Override
  public void process(Record<String, EventBatch> record) {
    EventBatch batch = record.value();
    if (batch == null) {
      return;
    }
    String vm = batch.getVm();
    long timestamp = record.timestamp();
    Forwarder out = new Forwarder(vm, timestamp);
    VmState state = state(vm);
    dirty.add(vm);
    if (!inSequence(state, batch, out)) {
      return;
    }
    if (state.emulator == null) {
      state.emulator = new VmEmulator(vm, config.scenarios(), config.engine());
    }
    for (TraceEvent event : batch.getEvents()) {
      state.emulator.onEvent(event, out);
    }
    if (state.emulator.finished()) {
      // VM_STOP released everything; a later VM with the same id starts from scratch.
      state.emulator = null;
    }
  }

  /**
   * A repeated batch would apply its events twice, so it is reported and skipped; a gap means
   * events were lost upstream, which is reported but cannot be undone.
   */
  private boolean inSequence(VmState state, EventBatch batch, Forwarder out) {
    long expected = state.nextSeq;
    long seq = batch.getSeq();
    if (seq < expected) {
      out.anomaly(BatchAnomalies.repeated(batch, expected));
      return false;
    }
    if (seq > expected) {
      out.anomaly(BatchAnomalies.gap(batch, expected));
    }
    state.nextSeq = seq + 1;
    return true;
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
      context.forward(new Record<String, SpecificRecord>(vm, r, timestamp), resultsChild);
    }

    @Override
    public void anomaly(Anomaly a) {
      context.forward(new Record<String, SpecificRecord>(vm, a, timestamp), anomaliesChild);
    }
  }
}
