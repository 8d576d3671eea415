package io.coiommu.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Checks the contract every trace source keeps, over a whole stream, in memory proportional to
 * what is mapped at once: per VM, VM_START first and nothing after VM_STOP, timestamps never going
 * back, and every unmap or free naming an iova that an earlier map or alloc of that device mapped.
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
    assertThat(stopped).as("event after VM_STOP of %s", vm).doesNotContain(vm);
    if (ev.getType() == EventType.VM_START) {
      assertThat(started.add(vm)).as("second VM_START of %s", vm).isTrue();
      assertThat(ev.getGuestMemoryBytes()).isPositive();
      assertThat(ev.getHost()).isNotEmpty();
    } else {
      assertThat(started).as("%s before VM_START of %s", ev.getType(), vm).contains(vm);
    }
    Long prev = lastTs.put(vm, ev.getTsNs());
    if (prev != null) {
      assertThat(ev.getTsNs()).as("timestamp of %s goes back", vm).isGreaterThanOrEqualTo(prev);
    }
    String key = vm + "/" + ev.getDevice();
    switch (ev.getType()) {
      case DMA_MAP, DMA_ALLOC -> assertThat(live.computeIfAbsent(key, k -> new HashMap<>()).put(ev.getIova(), ev.getGpa()))
          .as("%s maps iova 0x%x twice", key, ev.getIova()).isNull();
      case DMA_UNMAP, DMA_FREE -> assertThat(live.getOrDefault(key, Map.of()).remove(ev.getIova()))
          .as("%s unmaps iova 0x%x that is not mapped", key, ev.getIova()).isNotNull();
      case VM_STOP -> stopped.add(vm);
      default -> { }
    }
  }

  long count(EventType type) {
    return byType.getOrDefault(type, 0L);
  }

  /** Mappings still live for the VM (all devices). */
  long liveMappings(String vm) {
    return live.entrySet().stream().filter(e -> e.getKey().startsWith(vm + "/")).mapToLong(e -> e.getValue().size()).sum();
  }
}
