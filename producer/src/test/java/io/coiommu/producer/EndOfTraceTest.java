package io.coiommu.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.DmaDirection;
import io.coiommu.schema.EventType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndOfTraceTest {

  @Test
  void vmsLeftRunningAreStoppedAtTheirLastEventInNameOrder() {
    List<VmEvent> in =
        List.of(
            new VmEvent("b", Events.vmStart(0, "h", 1L << 30)),
            new VmEvent("a", Events.vmStart(5, "h", 1L << 30)),
            new VmEvent("c", Events.vmStart(6, "h", 1L << 30)),
            new VmEvent(
                "b", Events.map(10, "0000:03:00.0", 4096, 4096, 4096, DmaDirection.TO_DEVICE, 1)),
            new VmEvent(
                "a", Events.map(20, "0000:03:00.0", 4096, 4096, 4096, DmaDirection.TO_DEVICE, 1)),
            new VmEvent("c", Events.vmStop(30)),
            new VmEvent("b", Events.unmap(40, "0000:03:00.0", 4096, null, 4096, 1)));
    List<VmEvent> out = new ArrayList<>();
    EndOfTrace.stopOpenVms(TraceProducerTest.listSource(in)).forEachRemaining(out::add);

    assertThat(out.subList(0, in.size())).isEqualTo(in);
    List<VmEvent> added = out.subList(in.size(), out.size());
    assertThat(added).extracting(VmEvent::vm).containsExactly("a", "b");
    assertThat(added).allMatch(e -> e.event().getType() == EventType.VM_STOP);
    assertThat(added).extracting(e -> e.event().getTsNs()).containsExactly(20L, 40L);
  }

  @Test
  void aTraceThatStopsEveryVmGetsNothingAdded() {
    List<VmEvent> in =
        List.of(
            new VmEvent("a", Events.vmStart(0, "h", 1L << 30)), new VmEvent("a", Events.vmStop(9)));
    List<VmEvent> out = new ArrayList<>();
    EndOfTrace.stopOpenVms(TraceProducerTest.listSource(in)).forEachRemaining(out::add);
    assertThat(out).isEqualTo(in);
  }
}
