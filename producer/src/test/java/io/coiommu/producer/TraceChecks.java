package io.coiommu.producer;

import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Checks the contract every trace source keeps, over a whole stream, in memory proportional to what
 * is mapped at once: per VM, VM_START first and nothing after VM_STOP, timestamps never going back,
 * and every unmap or free naming an iova that an earlier map or alloc of that device mapped.
 */
final class TraceChecks {

  long events;
  final Map<EventType, Long> byType = new HashMap<>();
  final Set<String> started = new HashSet<>();
  final Set<String> stopped = new HashSet<>();
  private final Map<String, Long> lastTs = new HashMap<>();
  private final Map<String, Map<Long, Long>> live = new HashMap<>();

  void accept(VmEvent e) {
    TraceEvent ev = e.event();
    String vm = e.vm();
    events++;
    byType.merge(ev.getType(), 1L, Long::sum);
    check(!stopped.contains(vm), "event after VM_STOP of %s: %s", vm, ev);
    if (ev.getType() == EventType.VM_START) {
      check(started.add(vm), "second VM_START of %s", vm);
      check(
          ev.getGuestMemoryBytes() > 0 && !ev.getHost().isEmpty(),
          "VM_START without memory or host: %s",
          ev);
    } else {
      check(started.contains(vm), "%s before VM_START of %s", ev.getType(), vm);
    }
    Long prev = lastTs.put(vm, ev.getTsNs());
    check(prev == null || ev.getTsNs() >= prev, "timestamp of %s goes back: %s", vm, ev);
    String key = vm + "/" + ev.getDevice();
    switch (ev.getType()) {
      case DMA_MAP, DMA_ALLOC ->
          check(
              live.computeIfAbsent(key, k -> new HashMap<>()).put(ev.getIova(), ev.getGpa())
                  == null,
              "%s maps iova 0x%x twice",
              key,
              ev.getIova());
      case DMA_UNMAP, DMA_FREE ->
          check(
              live.containsKey(key) && live.get(key).remove(ev.getIova()) != null,
              "%s unmaps iova 0x%x that is not mapped",
              key,
              ev.getIova());
      case VM_STOP -> stopped.add(vm);
      default -> {}
    }
  }

  /**
   * Plain checks: millions of events go through here, and AssertJ per event would dominate the test
   * time.
   */
  private static void check(boolean ok, String format, Object... args) {
    if (!ok) {
      throw new AssertionError(String.format(format, args));
    }
  }

  long count(EventType type) {
    return byType.getOrDefault(type, 0L);
  }

  /** Mappings still live for the VM (all devices). */
  long liveMappings(String vm) {
    return live.entrySet().stream()
        .filter(e -> e.getKey().startsWith(vm + "/"))
        .mapToLong(e -> e.getValue().size())
        .sum();
  }
}
