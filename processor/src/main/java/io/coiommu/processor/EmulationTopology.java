package io.coiommu.processor;

import io.coiommu.schema.Anomaly;
import io.coiommu.schema.AvroSerde;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventColumnsSerde;
import io.coiommu.schema.Topics;
import io.coiommu.schema.WindowResult;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;

/**
 * trace-events (EventBatch by VM, decoded into EventColumns) -> emulation of every scenario per VM
 * -> window-results and anomalies.
 *
 * <p>Records are keyed by VM id end to end, so one VM's batches reach one task in order and
 * different VMs spread over partitions without sharing state. Each task's emulation state is
 * changelogged ({@link VmStateStore}), so a restarted or rebalanced instance goes on where the last
 * commit left off.
 */
public final class EmulationTopology {

  static final String SOURCE = "trace-source";
  static final String EMULATOR = "emulator";
  static final String RESULTS_SINK = "window-results-sink";
  static final String ANOMALIES_SINK = "anomalies-sink";

  private EmulationTopology() {}

  public static Topology buildTopology(ProcessorConfig config) {
    return buildTopology(config, new EventColumnsSerde());
  }

  /**
   * The topology with the trace records decoded by {@code traces}: the processor recycles every
   * batch it applied, and EventColumnsSerde decodes the next records into their arrays; a test
   * gives a deserializer that decodes fresh columns every time, to compare.
   */
  static Topology buildTopology(ProcessorConfig config, Deserializer<EventColumns> traces) {
    Topology topology = new Topology();
    topology.addSource(SOURCE, Serdes.String().deserializer(), traces, Topics.TRACE_EVENTS);
    topology.addProcessor(
        EMULATOR, () -> new EmulationProcessor(config, RESULTS_SINK, ANOMALIES_SINK), SOURCE);
    topology.addStateStore(VmStateStore.builder(), EMULATOR);
    topology.addSink(
        RESULTS_SINK,
        Topics.WINDOW_RESULTS,
        Serdes.String().serializer(),
        AvroSerde.of(WindowResult.class),
        EMULATOR);
    topology.addSink(
        ANOMALIES_SINK,
        Topics.ANOMALIES,
        Serdes.String().serializer(),
        AvroSerde.of(Anomaly.class),
        EMULATOR);
    return topology;
  }
}
