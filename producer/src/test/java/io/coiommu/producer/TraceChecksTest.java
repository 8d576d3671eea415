package io.coiommu.producer;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coiommu.schema.DmaDirection;
import org.junit.jupiter.api.Test;

/** The contract checker the workload tests rely on does catch each kind of breach. */
class TraceChecksTest {

  @Test
  void catchesEachBreach() {
    TraceChecks c = new TraceChecks();
    assertThatThrownBy(() -> c.accept(new VmEvent("a", Events.vmStop(0))))
        .hasMessageContaining("before VM_START");
    c.accept(new VmEvent("a", Events.vmStart(10, "h", 1 << 30)));
    assertThatThrownBy(
            () -> c.accept(new VmEvent("a", Events.unmap(11, "d", 0x1000, null, 4096, 0))))
        .hasMessageContaining("not mapped");
    c.accept(
        new VmEvent("a", Events.map(12, "d", 0x1000, 0x2000, 4096, DmaDirection.TO_DEVICE, 1)));
    assertThatThrownBy(
            () ->
                c.accept(
                    new VmEvent(
                        "a", Events.map(12, "d", 0x1000, 0x2000, 4096, DmaDirection.TO_DEVICE, 2))))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> c.accept(new VmEvent("a", Events.vmStop(5))))
        .hasMessageContaining("goes back");
    c.accept(new VmEvent("a", Events.vmStop(20)));
    assertThatThrownBy(() -> c.accept(new VmEvent("a", Events.vmStop(21))))
        .hasMessageContaining("after VM_STOP");
  }
}
