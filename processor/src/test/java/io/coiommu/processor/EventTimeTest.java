package io.coiommu.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.processor.engine.AnomalyReason;
import io.coiommu.processor.engine.EngineConfig;
import io.coiommu.processor.engine.ScenarioSpec;
import io.coiommu.schema.Anomaly;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import io.coiommu.schema.WindowResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Out-of-order events within the bound are put back in order, later ones are anomalies, silent VMs
 * get closed.
 */
class EventTimeTest {

  private static final long MS = 1_000_000L;
  private static final long S = 1000 * MS;
  private static final ProcessorConfig CONFIG =
      new ProcessorConfig(ScenarioSpec.parse("viommu-strict,coiommu"), EngineConfig.defaults())
          .withReorderBoundNs(50 * MS);

  @TempDir Path stateDir;

  private static TraceEvent.Builder event(EventType type, long ts) {
    return TraceEvent.newBuilder().setType(type).setTsNs(ts).setDevice("nic");
  }

  private static List<TraceEvent> inOrder() {
    List<TraceEvent> events = new ArrayList<>();
    events.add(event(EventType.VM_START, 0).setGuestMemoryBytes(1L << 30).build());
    for (int i = 0; i < 40; i++) {
      events.add(
          event(EventType.DMA_MAP, (10 + 20 * i) * MS)
              .setIova(i * 4096L)
              .setGpa(i * 4096L)
              .setBytes(4096)
              .build());
      events.add(event(EventType.DMA_UNMAP, (20 + 20 * i) * MS).setIova(i * 4096L).build());
    }
    events.add(event(EventType.VM_STOP, 2 * S).build());
    return events;
  }

  @Test
  void eventsOutOfOrderWithinTheBoundGiveTheInOrderResults() {
    List<TraceEvent> shuffled = new ArrayList<>(inOrder());
    // Swap neighbours 10 ms apart: every swapped event comes less than the 50 ms bound late.
    for (int i = 1; i + 1 < shuffled.size() - 1; i += 3) {
      TraceEvent a = shuffled.get(i);
      shuffled.set(i, shuffled.get(i + 1));
      shuffled.set(i + 1, a);
    }
    try (Driver ordered = new Driver("ordered");
        Driver swapped = new Driver("swapped")) {
      ordered.pipe("vm1", inOrder());
      swapped.pipe("vm1", shuffled.subList(0, 30), shuffled.subList(30, shuffled.size()));
      List<WindowResult> expected = ordered.results.readValuesToList();
      assertThat(expected).isNotEmpty();
      assertThat(swapped.results.readValuesToList()).isEqualTo(expected);
      assertThat(swapped.anomalies.readValuesToList()).isEmpty();
    }
  }

  @Test
  void anEventLaterThanTheBoundIsAnAnomalyAndIsNotEmulated() {
    List<TraceEvent> events = inOrder();
    TraceEvent late =
        event(EventType.DMA_MAP, 100 * MS)
            .setIova(1L << 30)
            .setGpa(1L << 20)
            .setBytes(4096)
            .build();
    try (Driver d = new Driver("late")) {
      d.pipe("vm1", events.subList(0, 40), List.of(late), events.subList(40, events.size()));
      List<Anomaly> anomalies = d.anomalies.readValuesToList();
      assertThat(anomalies)
          .extracting(Anomaly::getReason)
          .containsExactly(AnomalyReason.LATE_EVENT.name());
      assertThat(anomalies.get(0).getEvent().getTsNs()).isEqualTo(100 * MS);
      List<WindowResult> strict =
          d.results.readValuesToList().stream()
              .filter(r -> r.getScenario().equals("viommu-strict"))
              .toList();
      // 40 map calls, not 41; the anomaly is counted in the record of the span it was found in.
      assertThat(strict.stream().mapToLong(WindowResult::getMapCalls).sum()).isEqualTo(40);
      assertThat(strict.stream().mapToLong(WindowResult::getAnomalies).sum()).isEqualTo(1);
    }
  }

  @Test
  void aSilentVmGetsItsWindowsClosedByThePartitionsTraceTime() {
    try (Driver d = new Driver("silent")) {
      d.pipe(
          "quiet",
          List.of(
              event(EventType.VM_START, 0).setGuestMemoryBytes(1L << 30).build(),
              event(EventType.DMA_MAP, 500 * MS).setIova(0).setGpa(0L).setBytes(4096).build()));
      assertThat(d.results.readValuesToList()).isEmpty();
      List<TraceEvent> busy = new ArrayList<>();
      busy.add(event(EventType.VM_START, 0).setGuestMemoryBytes(1L << 30).build());
      busy.add(event(EventType.DMA_MAP, 62 * S).setIova(0).setGpa(0L).setBytes(4096).build());
      d.pipe("busy", busy);
      List<WindowResult> quiet =
          d.results.readValuesToList().stream().filter(r -> r.getVm().equals("quiet")).toList();
      // The quiet VM's first window [0, 1 s), with its map, is closed although it sent nothing
      // since.
      assertThat(quiet)
          .extracting(WindowResult::getScenario)
          .containsExactly("viommu-strict", CONFIG.scenarios().get(1).name());
      assertThat(quiet.get(0).getWindowEndNs()).isEqualTo(S);
      assertThat(quiet.get(0).getMapCalls()).isEqualTo(1);
    }
  }

  private final class Driver implements AutoCloseable {
    private final TopologyFixture topology;
    final TestOutputTopic<String, WindowResult> results;
    final TestOutputTopic<String, Anomaly> anomalies;
    private long seq;

    Driver(String name) {
      topology = new TopologyFixture(CONFIG, "event-time-" + name, stateDir.resolve(name));
      results = topology.results;
      anomalies = topology.anomalies;
    }

    @SafeVarargs
    final void pipe(String vm, List<TraceEvent>... batches) {
      for (List<TraceEvent> b : batches) {
        topology.trace.pipeInput(
            vm, EventColumns.encode(vm, vm.equals("vm1") ? seq++ : 0L, new ArrayList<>(b)), 0L);
      }
    }

    @Override
    public void close() {
      topology.close();
    }
  }
}
