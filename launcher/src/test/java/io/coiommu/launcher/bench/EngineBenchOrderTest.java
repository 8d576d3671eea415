package io.coiommu.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.processor.ProcessorConfig;
import io.coiommu.processor.engine.EmulationSink;
import io.coiommu.producer.VmEvent;
import io.coiommu.schema.Anomaly;
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
    List<VmEvent> batched = FLEET.inProducerBatches();
    assertThat(perVm(batched)).isEqualTo(perVm(FLEET.events()));
    assertThat(switches(batched))
        .as(
            "VM switches: in batches %d, interleaved %d",
            switches(batched), switches(FLEET.events()))
        .isLessThan(switches(FLEET.events()) / 20);
  }

  @Test
  void everyVmEmitsTheSameRecordsInBatchesAsInterleaved() {
    ProcessorConfig config = ProcessorConfig.defaults();
    ByVm interleaved = new ByVm();
    EngineBench.run(FLEET.events(), config.scenarios(), config.engine(), interleaved);
    ByVm batched = new ByVm();
    EngineBench.run(FLEET.inProducerBatches(), config.scenarios(), config.engine(), batched);
    assertThat(interleaved.records).hasSize(FLEET.vms().size());
    assertThat(batched.records).isEqualTo(interleaved.records);
  }

  private static Map<String, List<VmEvent>> perVm(List<VmEvent> events) {
    Map<String, List<VmEvent>> m = new HashMap<>();
    for (VmEvent e : events) {
      m.computeIfAbsent(e.vm(), vm -> new ArrayList<>()).add(e);
    }
    return m;
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
