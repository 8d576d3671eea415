package io.coiommu.launcher.lab;

import io.coiommu.producer.VmEvent;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * Two rules for reading a guest's {@code iommu:map} and {@code iommu:unmap} lines as the calls the
 * IOMMU driver made, found by comparing lab captures with QEMU's log (docs/policies.md, "Checked
 * against QEMU"). Applied here to the events the ftrace reader produced, so the cross-check can
 * show what the models give once the reader follows them; the reader itself
 * (producer/trace/KernelDmaEvents) does not yet.
 *
 * <ol>
 *   <li>A range unmap: {@code iommu_unmap} clears every mapping inside its range, so one {@code
 *       iommu:unmap} line (dma_unmap_sg frees the scatterlist's whole IOVA block at once) unmaps
 *       each mapping inside it: it becomes one DMA_UNMAP per mapping, all in the unmap's call.
 *   <li>A scatter-gather map: {@code iommu_map_sg} traces one {@code iommu:map} per segment but
 *       syncs (and, in caching mode, invalidates) once. Its segments are the map lines that one
 *       later unmap line removes together; they become one call, at the time of its first segment.
 * </ol>
 */
final class IommuCalls {

  private IommuCalls() {}

  static List<VmEvent> regroup(List<VmEvent> events) {
    // Per device: live mapping iova to the index of its DMA_MAP event.
    Map<String, NavigableMap<Long, Integer>> live = new HashMap<>();
    // Per DMA_UNMAP index: the DMA_MAP indexes it removes, in iova order.
    Map<Integer, List<Integer>> removedBy = new HashMap<>();
    for (int i = 0; i < events.size(); i++) {
      TraceEvent e = events.get(i).event();
      if (e.getType() == EventType.DMA_MAP) {
        live.computeIfAbsent(e.getDevice(), d -> new TreeMap<>()).put(e.getIova(), i);
      } else if (e.getType() == EventType.DMA_UNMAP) {
        NavigableMap<Long, Integer> maps = live.get(e.getDevice());
        if (maps == null) {
          continue;
        }
        long end = e.getIova() + Math.max(e.getBytes(), 1);
        NavigableMap<Long, Integer> inside = maps.subMap(e.getIova(), true, end, false);
        removedBy.put(i, new ArrayList<>(inside.values()));
        inside.clear();
      }
    }
    // Map events that one later unmap removes: one call. The call's first map carries them all, at
    // its time: an
    // interrupt may have unmapped another buffer between two segments (one CPU), and the engine
    // counts a call per
    // run of events with its id.
    Map<Integer, List<Integer>> callAt = new HashMap<>();
    Set<Integer> carried = new HashSet<>();
    for (List<Integer> maps : removedBy.values()) {
      if (maps.size() > 1) {
        List<Integer> sorted = new ArrayList<>(maps);
        sorted.sort(null);
        callAt.put(sorted.get(0), sorted);
        carried.addAll(sorted.subList(1, sorted.size()));
      }
    }
    List<VmEvent> out = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      VmEvent v = events.get(i);
      TraceEvent e = v.event();
      if (carried.contains(i)) {
        continue;
      }
      List<Integer> removed = removedBy.get(i);
      if (callAt.containsKey(i)) {
        for (int m : callAt.get(i)) {
          out.add(
              new VmEvent(
                  v.vm(),
                  TraceEvent.newBuilder(events.get(m).event())
                      .setTsNs(e.getTsNs())
                      .setCallId(e.getCallId())
                      .build()));
        }
      } else if (removed != null && removed.size() > 1) {
        // The reader gives iommu:unmap lines no call id; the pieces of one line need one (negative:
        // unlike the
        // reader's ids) so the engine counts them as one call.
        long call = e.getCallId() != 0 ? e.getCallId() : -(i + 1L);
        for (int m : removed) {
          TraceEvent map = events.get(m).event();
          out.add(
              new VmEvent(
                  v.vm(),
                  TraceEvent.newBuilder(e)
                      .setIova(map.getIova())
                      .setBytes(map.getBytes())
                      .setGpa(map.getGpa())
                      .setCallId(call)
                      .build()));
        }
      } else {
        out.add(v);
      }
    }
    return out;
  }
}
