package io.coiommu.producer;

import io.coiommu.schema.EventBatch;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventType;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Groups the events of each VM into {@link EventBatch}es (columns, version 2), in order, numbered from 0 per VM. A VM's
 * pending batch goes out when it is full, with the VM's VM_STOP (so a stopped VM leaves nothing
 * behind), when all pending events together pass a cap (so many interleaved VMs cannot grow the
 * heap), and on {@link #flushAll()}.
 */
final class VmBatcher {

  /** Enough for the VMs that interleave in one stretch of a trace; a few buffers of 4096 events each. */
  private static final int MAX_SPARE = 16;

  private final int maxBatchEvents;
  private final int maxPendingEvents;
  private final Consumer<EventBatch> sink;
  private final Map<String, EventColumns> pending = new LinkedHashMap<>();
  /** Emptied column buffers, reused so that their arrays are grown once, not for every batch. */
  private final Deque<EventColumns> spare = new ArrayDeque<>();
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
    EventColumns events = pending.computeIfAbsent(event.vm(), vm -> spare.isEmpty() ? new EventColumns() : spare.pop());
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
    EventColumns events = pending.remove(vm);
    if (events == null) {
      return;
    }
    long seq = nextSeq.merge(vm, 1L, Long::sum) - 1;
    pendingEvents -= events.size();
    batches++;
    EventBatch batch = events.toBatch(vm, seq);
    if (spare.size() < MAX_SPARE) {
      events.clear();
      spare.push(events);
    }
    sink.accept(batch);
  }

  long batches() {
    return batches;
  }

  /** VMs that have sent at least one batch. */
  long vms() {
    return nextSeq.size();
  }
}
