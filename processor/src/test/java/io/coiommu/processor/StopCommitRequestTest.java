package io.coiommu.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.processor.engine.EngineConfig;
import io.coiommu.processor.engine.ScenarioSpec;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A VM's stop asks for a commit once the task's input pauses for a punctuation period, not while
 * batches keep coming: a fleet whose VMs come and go would otherwise commit at every punctuation.
 */
class StopCommitRequestTest {

  private final MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
  private EmulationProcessor processor;

  @BeforeEach
  void init() {
    KeyValueStore<String, byte[]> store = VmStateStore.builder().withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    processor =
        new EmulationProcessor(
            new ProcessorConfig(ScenarioSpec.parse("static"), EngineConfig.defaults()),
            "results",
            "anomalies");
    processor.init(context);
  }

  /** A VM's whole life, start to stop, in one batch. */
  private void wholeLife(String vm, boolean stops) {
    TraceEvent start =
        TraceEvent.newBuilder()
            .setType(EventType.VM_START)
            .setTsNs(0)
            .setGuestMemoryBytes(1L << 30)
            .build();
    TraceEvent stop =
        TraceEvent.newBuilder().setType(EventType.VM_STOP).setTsNs(1_000_000_000L).build();
    List<TraceEvent> events = stops ? List.of(start, stop) : List.of(start);
    processor.process(new Record<>(vm, EventColumns.of(EventColumns.encode(vm, 0, events)), 0L));
  }

  private boolean punctuateAndCommitted() {
    context.resetCommit();
    assertThat(context.scheduledPunctuators()).hasSize(1);
    MockProcessorContext.CapturedPunctuator p = context.scheduledPunctuators().get(0);
    assertThat(p.getInterval()).isEqualTo(EmulationProcessor.STOP_COMMIT_DELAY);
    p.getPunctuator().punctuate(0);
    return context.committed();
  }

  @Test
  void aStopAsksForACommitOncePunctuationFindsNoNewBatch() {
    wholeLife("vm0", true);
    assertThat(punctuateAndCommitted()).as("a batch came since the last punctuation").isFalse();
    assertThat(punctuateAndCommitted()).as("the input paused").isTrue();
  }

  @Test
  void stopsAmidBatchesAskForNoCommit() {
    for (int i = 0; i < 50; i++) {
      wholeLife("vm" + i, true);
      assertThat(punctuateAndCommitted()).as("punctuation %d", i).isFalse();
    }
    assertThat(punctuateAndCommitted()).isTrue();
  }

  @Test
  void aPauseWithoutAStopAsksForNothing() {
    wholeLife("vm0", false);
    assertThat(punctuateAndCommitted()).isFalse();
    assertThat(punctuateAndCommitted()).isFalse();
  }
}
