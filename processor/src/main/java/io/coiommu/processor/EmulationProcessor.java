package io.coiommu.processor;

import io.coiommu.processor.engine.EmulationSink;
import io.coiommu.processor.engine.VmEmulator;
import io.coiommu.schema.Anomaly;
import io.coiommu.schema.EventBatch;
import io.coiommu.schema.TraceEvent;
import io.coiommu.schema.WindowResult;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Feeds each VM's batches, in order, to that VM's emulator and forwards what it emits.
 *
 * <p>Results carry the batch's record timestamp, not wall-clock time, so output depends only on the
 * input. Emulator state lives in this task's memory: a restart replays the trace topic from the
 * last committed offset with fresh emulators, which issue #6 replaces with changelogged stores.
 */
final class EmulationProcessor implements Processor<String, EventBatch, String, SpecificRecord> {

  private final ProcessorConfig config;
  private final String resultsChild;
  private final String anomaliesChild;
  private final Map<String, VmEmulator> emulators = new HashMap<>();
  private final Map<String, Long> nextSeq = new HashMap<>();
  private ProcessorContext<String, SpecificRecord> context;

  EmulationProcessor(ProcessorConfig config, String resultsChild, String anomaliesChild) {
    this.config = config;
    this.resultsChild = resultsChild;
    this.anomaliesChild = anomaliesChild;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
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
    if (!inSequence(batch, out)) {
      return;
    }
    VmEmulator emulator = emulators.computeIfAbsent(vm,
        id -> new VmEmulator(id, config.scenarios(), config.engine()));
    for (TraceEvent event : batch.getEvents()) {
      emulator.onEvent(event, out);
    }
    if (emulator.finished()) {
      // VM_STOP released everything; a later VM with the same id starts from scratch.
      emulators.remove(vm);
    }
  }

  /**
   * A repeated batch would apply its events twice, so it is reported and skipped; a gap means
   * events were lost upstream, which is reported but cannot be undone.
   */
  private boolean inSequence(EventBatch batch, Forwarder out) {
    long expected = nextSeq.getOrDefault(batch.getVm(), 0L);
    long seq = batch.getSeq();
    if (seq < expected) {
      out.anomaly(BatchAnomalies.repeated(batch, expected));
      return false;
    }
    if (seq > expected) {
      out.anomaly(BatchAnomalies.gap(batch, expected));
    }
    nextSeq.put(batch.getVm(), seq + 1);
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
