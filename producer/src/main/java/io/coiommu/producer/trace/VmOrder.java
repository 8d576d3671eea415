package io.coiommu.producer.trace;

import io.coiommu.producer.Events;
import io.coiommu.producer.RejectReason;
import io.coiommu.producer.VmEvent;
import io.coiommu.producer.VmIdentity;
import io.coiommu.schema.EventType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Holds a recorded trace to the contract every source keeps: per VM, VM_START first (supplied from
 * the user's VM identity when the trace has none), nothing after VM_STOP but a new VM_START, and
 * timestamps that never go back; and names short enough for batching ({@link
 * Fields#MAX_NAME_CHARS}). Memory grows with the number of VMs, not of events.
 */
final class VmOrder {

  private final VmIdentity identity;
  private final Map<String, VmState> vms = new HashMap<>();

  private static final class VmState {
    boolean running;
    long lastTs = Long.MIN_VALUE;
  }

  VmOrder(VmIdentity identity) {
    this.identity = identity;
  }

  /**
   * Checks the events that one input line produced (one VM, one timestamp) and appends them to
   * {@code out}, preceded by a VM_START where the identity supplies it. Throws for the whole line.
   */
  void accept(List<VmEvent> line, List<VmEvent> out) throws BadLine {
    if (line.isEmpty()) {
      return;
    }
    VmEvent first = line.get(0);
    String vm = first.vm() != null ? first.vm() : identity.vm();
    Fields.name(vm, "vm");
    for (VmEvent e : line) {
      Fields.name(e.event().getDevice(), "device");
      Fields.name(e.event().getHost(), "host");
    }
    long ts = first.event().getTsNs();
    VmState state = vms.computeIfAbsent(vm, k -> new VmState());
    if (ts < state.lastTs) {
      throw new BadLine(
          RejectReason.OUT_OF_ORDER,
          "time "
              + ts
              + " ns is before the previous event of "
              + vm
              + " at "
              + state.lastTs
              + " ns");
    }
    boolean startsHere = first.event().getType() == EventType.VM_START;
    if (startsHere && state.running) {
      throw new BadLine(RejectReason.MALFORMED, "second VM_START of running VM " + vm);
    }
    if (!startsHere && !state.running) {
      if (identity == null || !vm.equals(identity.vm()) || state.lastTs != Long.MIN_VALUE) {
        throw new BadLine(
            RejectReason.NO_VM,
            first.event().getType()
                + " of VM "
                + vm
                + (state.lastTs == Long.MIN_VALUE ? " before its VM_START" : " after its VM_STOP"));
      }
      out.add(new VmEvent(vm, Events.vmStart(ts, identity.host(), identity.guestMemoryBytes())));
      state.running = true;
    }
    for (VmEvent e : line) {
      EventType type = e.event().getType();
      if (type == EventType.VM_START) {
        state.running = true;
      } else if (type == EventType.VM_STOP) {
        state.running = false;
      }
      out.add(first.vm() != null ? e : new VmEvent(vm, e.event()));
    }
    state.lastTs = ts;
  }
}
