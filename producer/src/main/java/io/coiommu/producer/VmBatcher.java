package io.coiommu.producer;

import io.coiommu.schema.EventBatch;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Groups the events of each VM into {@link EventBatch}es, in order, numbered from 0 per VM. A VM's
 * pending batch goes out when it is full, with the VM's VM_STOP (so a stopped VM leaves nothing
 * behind), when all pending events together pass a cap (so many interleaved VMs cannot grow the
 * heap), and on {@link #flushAll()}.
 */
final class VmBatcher {

  private final int maxBatchEvents;
  private final int maxPendingEvents;
  private final Consumer<EventBatch> sink;
  private final Map<String, List<TraceEvent>> pending = new LinkedHashMap<>();
  private final Map<String, Long> nextSeq = new HashMap<>();
  private int pendingEvents;
  private long batches;

  VmBatcher(int maxBatchEvents, int maxPendingEvents, Consumer<EventBatch> sink) {
    if (maxBatchEvents < 1 || maxPendingEvents < maxBatchEvents) {
      throw new IllegalArgumentException("need 1 <= maxBatchEvents <= maxPendingEvents");
    }
    this.maxBatchEvents = maxBatchEvents;
    this.maxPendingEvents = maxPendingEvents;
    this.sink = sink;
  }

  void add(VmEvent event) {
    List<TraceEvent> events = pending.computeIfAbsent(event.vm(), vm -> new ArrayList<>());
    events.add(event.event());
    pendingEvents++;
    if (events.size() >= maxBatchEvents || event.event().getType() == EventType.VM_STOP) {
      flush(event.vm());
    } else if (pendingEvents >= maxPendingEvents) {
      flushAll();
    }
  }

  void flushAll() {
    for (String vm : List.copyOf(pending.keySet())) {
      flush(vm);
    }
  }

  private void flush(String vm) {
    List<TraceEvent> events = pending.remove(vm);
    if (events == null || events.isEmpty()) {
      return;
    }
    long seq = nextSeq.merge(vm, 1L, Long::sum) - 1;
    pendingEvents -= events.size();
    batches++;
    sink.accept(new EventBatch(vm, seq, events));
  }

  long batches() {
    return batches;
  }

  /** VMs that have sent at least one batch. */
  long vms() {
    return nextSeq.size();
  }
}
