package io.coiommu.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.processor.ProcessorConfig;
import io.coiommu.processor.engine.EmulationSink;
import io.coiommu.producer.VmEvent;
import io.coiommu.schema.Anomaly;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.TraceEvent;
import io.coiommu.schema.WindowResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The engine bench feeds a fleet in the producer's per-VM batches: a different interleaving of VMs,
 * so every VM must see exactly its own events in its own order and emit exactly what the
 * interleaved feed makes it emit.
 */
class EngineBenchOrderTest {

  private static final BenchTrace FLEET =
      BenchTrace.generate("fleet:hosts=2,vms=40,duration=3s,seed=3");

  @Test
  void batchesKeepEveryVmsEventsInOrderAndSwitchVmsFarLessOften() {
    List<EventColumns> batches = FLEET.inProducerBatches();
    Map<String, List<String>> batched = new HashMap<>();
    for (EventColumns b : batches) {
      for (TraceEvent e : b.events()) {
        batched.computeIfAbsent(b.vm(), vm -> new ArrayList<>()).add(key(e));
      }
    }
    Map<String, List<String>> traced = new HashMap<>();
    for (VmEvent e : FLEET.events()) {
      traced.computeIfAbsent(e.vm(), vm -> new ArrayList<>()).add(key(e.event()));
    }
    assertThat(batched).isEqualTo(traced);
    assertThat(batches.size())
        .as("VM switches: %d batches, %d interleaved", batches.size(), switches(FLEET.events()))
        .isLessThan(switches(FLEET.events()) / 20);
  }

  @Test
  void everyVmEmitsTheSameRecordsInBatchesAsInterleaved() {
    ProcessorConfig config = ProcessorConfig.defaults();
    ByVm interleaved = new ByVm();
    EngineBench.run(FLEET.events(), config.scenarios(), config.engine(), interleaved);
    ByVm batched = new ByVm();
    EngineBench.runBatches(FLEET.inProducerBatches(), config.scenarios(), config.engine(), batched);
    assertThat(interleaved.records).hasSize(FLEET.vms().size());
    assertThat(batched.records).isEqualTo(interleaved.records);
  }

  /** What the engine reads of an event. */
  private static String key(TraceEvent e) {
    return e.getType()
        + " "
        + e.getTsNs()
        + " "
        + e.getDevice()
        + " "
        + e.getIova()
        + " "
        + e.getGpa()
        + " "
        + e.getBytes()
        + " "
        + e.getCallId()
        + " "
        + e.getGuestMemoryBytes();
  }

  private static int switches(List<VmEvent> events) {
    int n = 0;
    for (int i = 1; i < events.size(); i++) {
      if (!events.get(i).vm().equals(events.get(i - 1).vm())) {
        n++;
      }
    }
    return n;
  }

  /** Each VM's records and anomalies in the order it emitted them. */
  private static final class ByVm implements EmulationSink {
    final Map<String, List<Object>> records = new HashMap<>();

    @Override
    public void window(WindowResult r) {
      records.computeIfAbsent(r.getVm(), vm -> new ArrayList<>()).add(r);
    }

    @Override
    public void anomaly(Anomaly a) {
      records.computeIfAbsent(a.getVm(), vm -> new ArrayList<>()).add(a);
    }
  }
}
