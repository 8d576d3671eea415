package io.coiommu.launcher.bench;

import io.coiommu.processor.engine.EngineConfig;
import io.coiommu.processor.engine.Scenario;
import io.coiommu.processor.engine.VmEmulator;
import io.coiommu.producer.VmEvent;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Retained heap of the emulation per tracked page (a page is tracked once it has been mapped at
 * least once).
 *
 * <p>Method: the live objects' bytes ({@link LiveHeap}); feed the events to fresh emulators (one
 * per VM) and keep them reachable; the live bytes again. The growth is what the emulators retain.
 * The trace's VM_STOP events are withheld, so every emulator is measured still running, with
 * everything it learnt; the trace itself was allocated before the first reading and is not counted.
 */
final class HeapPerPage {

  private static final int PAGE_SHIFT = 12;

  private HeapPerPage() {}

  /** Pages mapped at least once, over all VMs. */
  static long trackedPages(List<VmEvent> events) {
    Map<String, Set<Long>> pages = new HashMap<>();
    for (VmEvent e : events) {
      TraceEvent t = e.event();
      if ((t.getType() == EventType.DMA_MAP || t.getType() == EventType.DMA_ALLOC)
          && t.getGpa() != null
          && t.getBytes() > 0) {
        Set<Long> vmPages = pages.computeIfAbsent(e.vm(), vm -> new HashSet<>());
        for (long gfn = t.getGpa() >>> PAGE_SHIFT;
            gfn <= (t.getGpa() + t.getBytes() - 1) >>> PAGE_SHIFT;
            gfn++) {
          vmPages.add(gfn);
        }
      }
    }
    return pages.values().stream().mapToLong(Set::size).sum();
  }

  /** The events without their VM_STOPs, for {@link #bytesRetained}. */
  static List<VmEvent> withoutStops(List<VmEvent> events) {
    List<VmEvent> kept = new ArrayList<>(events.size());
    for (VmEvent e : events) {
      if (e.event().getType() != EventType.VM_STOP) {
        kept.add(e);
      }
    }
    return kept;
  }

  /**
   * Heap bytes that emulators of {@code scenarios} retain after {@code events} (give them without
   * VM_STOPs).
   */
  static long bytesRetained(List<VmEvent> events, List<Scenario> scenarios, EngineConfig config) {
    long before = LiveHeap.bytes();
    Map<String, VmEmulator> emulators =
        EngineBench.feed(events, scenarios, config, new EngineBench.CountingSink());
    long after = LiveHeap.bytes();
    Reference.reachabilityFence(emulators);
    return after - before;
  }

  /**
   * {@code pages} distinct 4 KiB pages of one VM mapped one call each and never unmapped: every
   * page stays live.
   */
  static List<VmEvent> mapDistinctPages(int pages) {
    List<VmEvent> events = new ArrayList<>(pages + 1);
    events.add(
        new VmEvent(
            "heap",
            TraceEvent.newBuilder()
                .setType(EventType.VM_START)
                .setTsNs(0)
                .setDevice("")
                .setGuestMemoryBytes(1L << 40)
                .build()));
    for (int i = 0; i < pages; i++) {
      // Every third page, so the pages are not one dense run that a range-based structure could
      // store for free.
      long gpa = i * 3L << PAGE_SHIFT;
      events.add(
          new VmEvent(
              "heap",
              TraceEvent.newBuilder()
                  .setType(EventType.DMA_MAP)
                  .setTsNs(1000L * i)
                  .setDevice("nic")
                  .setIova(gpa)
                  .setGpa(gpa)
                  .setBytes(1 << PAGE_SHIFT)
                  .setCallId(i + 1)
                  .build()));
    }
    return events;
  }
}
