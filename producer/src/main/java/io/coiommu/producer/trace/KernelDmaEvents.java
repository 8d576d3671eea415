package io.coiommu.producer.trace;

import io.coiommu.producer.Events;
import io.coiommu.producer.RejectReason;
import io.coiommu.producer.VmEvent;
import io.coiommu.schema.DmaDirection;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Decodes the payload of the Linux {@code iommu:} and {@code dma:} tracepoints, as their {@code
 * TP_printk} format strings in include/trace/events/iommu.h and dma.h print them, whatever tool
 * (ftrace, trace-cmd, perf script) printed the line around it. See docs/traces.md for every variant
 * and what each becomes.
 *
 * <p>It keeps two pieces of state, both bounded by what is mapped at once: the device most recently
 * attached to the IOMMU domain (iommu:map/unmap name no device), and the DMA ranges of each
 * dma_map_sg call, because dma_unmap_sg prints only the physical addresses of the list.
 */
final class KernelDmaEvents {

  /** Device name used for iommu: events before any attach_device_to_domain is seen. */
  static final String UNKNOWN_DEVICE = "iommu-domain";

  private String attachedDevice = UNKNOWN_DEVICE;
  private long nextCallId = 1;

  /** The layer of the line decoded last: what {@link #pass} tells the merge. */
  private Layer lastLayer = Layer.OTHER;

  private final LayerMerge merge;

  private final MappedSgLists sgLists = new MappedSgLists();

  KernelDmaEvents(Rejects counts) {
    this.merge = new LayerMerge(counts, () -> nextCallId++);
  }

  /** Passes on the checked events of the line decoded last, through the merge of the two layers. */
  void pass(List<VmEvent> checked, Deque<VmEvent> ready) {
    merge.accept(checked, lastLayer, ready);
  }

  /** At the end of the input: passes on what the merge still holds. */
  void finish(Deque<VmEvent> ready) {
    merge.finish(ready);
  }

  /**
   * Whether {@code event} (with its {@code system}, null when the tool printed none) is one this
   * class decodes.
   */
  static boolean knows(String system, String event) {
    if (system != null && !system.equals("iommu") && !system.equals("dma")) {
      return false;
    }
    return switch (event) {
      case "map", "unmap", "io_page_fault", "attach_device_to_domain" ->
          system == null || system.equals("iommu");
      case "dma_map_page",
          "dma_unmap_page",
          "dma_map_phys",
          "dma_unmap_phys",
          "dma_map_resource",
          "dma_unmap_resource",
          "dma_map_sg",
          "dma_unmap_sg",
          "dma_alloc",
          "dma_free",
          "dma_alloc_pages",
          "dma_free_pages",
          "dma_alloc_sgt",
          "dma_free_sgt" ->
          system == null || system.equals("dma");
      default -> false;
    };
  }

  /**
   * Decodes one tracepoint line whatever tool printed it: {@code system} may be null, the timestamp
   * is the tool's seconds.fraction text, {@code body} null when the line ended after the event
   * name.
   */
  LineParser.Outcome decodeLine(
      String system, String event, String seconds, String body, List<VmEvent> out) throws BadLine {
    if (!knows(system, event)) {
      return LineParser.Outcome.IGNORED;
    }
    long ts = Fields.secondsToNanos(seconds, "timestamp");
    if (body == null) {
      throw new BadLine(RejectReason.TRUNCATED, event + " without its fields");
    }
    return decode(event, body, ts, out);
  }

  private LineParser.Outcome decode(String event, String body, long ts, List<VmEvent> out)
      throws BadLine {
    lastLayer =
        switch (event) {
          case "map", "unmap" -> Layer.IOMMU;
          case "io_page_fault", "attach_device_to_domain" -> Layer.OTHER;
          default -> Layer.DMA_API;
        };
    switch (event) {
      case "map" -> iommuMap(body, ts, out);
      case "unmap" -> iommuUnmap(body, ts, out);
      case "io_page_fault" -> pageFault(body, ts, out);
      case "attach_device_to_domain" -> {
        attachedDevice = Fields.required(Fields.keyValues(iommuBody(body)), "device");
        return LineParser.Outcome.IGNORED;
      }
      case "dma_map_page", "dma_map_phys", "dma_map_resource" -> mapSingle(body, ts, out);
      case "dma_unmap_page", "dma_unmap_phys", "dma_unmap_resource" -> unmapSingle(body, ts, out);
      case "dma_alloc", "dma_alloc_pages" -> alloc(body, ts, out);
      case "dma_free", "dma_free_pages" -> free(body, ts, out);
      case "dma_alloc_sgt" -> allocSgt(body, ts, out);
      case "dma_free_sgt" -> freeSgt(body, ts, out);
      case "dma_map_sg" -> mapSg(body, ts, out);
      case "dma_unmap_sg" -> unmapSg(body, ts, out);
      default -> {
        return LineParser.Outcome.IGNORED;
      }
    }
    return LineParser.Outcome.EVENTS;
  }

  // ---- iommu: "IOMMU: iova=0x%016llx [- 0x%016llx] paddr=0x%016llx size=%zu" ----

  private static String iommuBody(String body) throws BadLine {
    if (!body.startsWith("IOMMU:")) {
      throw new BadLine(RejectReason.MALFORMED, "iommu event without its 'IOMMU:' prefix");
    }
    return body.substring(6);
  }

  private void iommuMap(String body, long ts, List<VmEvent> out) throws BadLine {
    Map<String, String> f = Fields.keyValues(iommuBody(body));
    long iova = Fields.address(Fields.required(f, "iova"), "iova");
    long paddr = Fields.address(Fields.required(f, "paddr"), "paddr");
    long size = Fields.size(Fields.decimal(Fields.required(f, "size"), "size"), "size");
    out.add(
        new VmEvent(
            null,
            Events.map(
                ts, attachedDevice, iova, paddr, size, DmaDirection.BIDIRECTIONAL, nextCallId++)));
  }

  private void iommuUnmap(String body, long ts, List<VmEvent> out) throws BadLine {
    Map<String, String> f = Fields.keyValues(iommuBody(body));
    long iova = Fields.address(Fields.required(f, "iova"), "iova");
    long size = Fields.size(Fields.decimal(Fields.required(f, "size"), "size"), "size");
    // One line, one iommu_unmap call (LayerMerge gives the pieces of a range unmap their own id,
    // one for all).
    out.add(new VmEvent(null, Events.unmap(ts, attachedDevice, iova, null, size, nextCallId++)));
  }

  /** "IOMMU:%s %s iova=0x%016llx flags=0x%04x": driver, device. */
  private static void pageFault(String body, long ts, List<VmEvent> out) throws BadLine {
    String rest = iommuBody(body).trim();
    String[] tokens = rest.split(" +");
    int iovaAt = -1;
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i].startsWith("iova=")) {
        iovaAt = i;
        break;
      }
    }
    if (iovaAt < 1) {
      throw new BadLine(RejectReason.TRUNCATED, "io_page_fault needs a device and iova=");
    }
    long iova = Fields.address(tokens[iovaAt].substring(5), "iova");
    out.add(new VmEvent(null, Events.ioPageFault(ts, tokens[iovaAt - 1], iova)));
  }

  // ---- dma: "%s dir=%s dma_addr=%llx size=%zu phys_addr=%llx attrs=%s" and relatives ----

  /** The device name leads every dma: payload. */
  private static String device(String body) throws BadLine {
    int space = body.indexOf(' ');
    String device = space < 0 ? body : body.substring(0, space);
    if (device.isEmpty() || device.contains("=")) {
      throw new BadLine(RejectReason.MALFORMED, "dma event without its leading device name");
    }
    return device;
  }

  private void mapSingle(String body, long ts, List<VmEvent> out) throws BadLine {
    String device = device(body);
    Map<String, String> f = Fields.keyValues(body);
    DmaDirection dir = Fields.direction(Fields.required(f, "dir"));
    long dma = Fields.address(Fields.required(f, "dma_addr"), "dma_addr");
    long size = Fields.size(Fields.decimal(Fields.required(f, "size"), "size"), "size");
    long phys = Fields.address(Fields.required(f, "phys_addr"), "phys_addr");
    out.add(new VmEvent(null, Events.map(ts, device, dma, phys, size, dir, nextCallId++)));
  }

  private static void unmapSingle(String body, long ts, List<VmEvent> out) throws BadLine {
    String device = device(body);
    Map<String, String> f = Fields.keyValues(body);
    Fields.direction(Fields.required(f, "dir"));
    long dma = Fields.address(Fields.required(f, "dma_addr"), "dma_addr");
    long size = Fields.size(Fields.decimal(Fields.required(f, "size"), "size"), "size");
    out.add(new VmEvent(null, Events.unmap(ts, device, dma, null, size, 0)));
  }

  /**
   * dma_alloc: the first version (6.12) printed phys_addr=; later ones print only a hashed
   * virt_addr=, and the coherent buffer's guest-physical address is then taken to be its DMA
   * address, which holds in a guest without a vIOMMU (the coIOMMU setting).
   */
  private void alloc(String body, long ts, List<VmEvent> out) throws BadLine {
    String device = device(body);
    Map<String, String> f = Fields.keyValues(body);
    DmaDirection dir =
        f.containsKey("dir") ? Fields.direction(f.get("dir")) : DmaDirection.BIDIRECTIONAL;
    long dma = Fields.address(Fields.required(f, "dma_addr"), "dma_addr");
    long size = Fields.size(Fields.decimal(Fields.required(f, "size"), "size"), "size");
    long phys = f.containsKey("phys_addr") ? Fields.address(f.get("phys_addr"), "phys_addr") : dma;
    if (dma == 0) {
      // The tracepoint prints dma_addr=0 for a failed allocation: nothing was mapped.
      throw new BadLine(
          RejectReason.OUT_OF_RANGE, "dma_alloc with dma_addr=0 (a failed allocation)");
    }
    out.add(new VmEvent(null, Events.alloc(ts, device, dma, phys, size, dir, nextCallId++)));
  }

  private static void free(String body, long ts, List<VmEvent> out) throws BadLine {
    String device = device(body);
    Map<String, String> f = Fields.keyValues(body);
    if (f.containsKey("dir")) {
      Fields.direction(f.get("dir"));
    }
    long dma = Fields.address(Fields.required(f, "dma_addr"), "dma_addr");
    long size = Fields.size(Fields.decimal(Fields.required(f, "size"), "size"), "size");
    Long phys = f.containsKey("phys_addr") ? Fields.address(f.get("phys_addr"), "phys_addr") : null;
    out.add(new VmEvent(null, Events.free(ts, device, dma, phys, size)));
  }

  /** dma_alloc_sgt: one DMA address for a list of pages; the pages share the size evenly. */
  private void allocSgt(String body, long ts, List<VmEvent> out) throws BadLine {
    String device = device(body);
    Map<String, String> f = Fields.keyValues(body);
    DmaDirection dir = Fields.direction(Fields.required(f, "dir"));
    long dma = Fields.address(Fields.required(f, "dma_addr"), "dma_addr");
    long size = Fields.size(Fields.decimal(Fields.required(f, "size"), "size"), "size");
    long[] phys = Fields.hexArray(Fields.required(f, "phys_addrs"), "phys_addrs");
    if (phys.length == 0) {
      throw new BadLine(RejectReason.TRUNCATED, "dma_alloc_sgt with an empty phys_addrs list");
    }
    long callId = nextCallId++;
    long share = evenShare(size, phys.length);
    for (int i = 0; i < phys.length; i++) {
      out.add(
          new VmEvent(
              null,
              Events.alloc(
                  ts,
                  device,
                  dma + share * i,
                  phys[i],
                  shareOf(size, share, i, phys.length),
                  dir,
                  callId)));
    }
  }

  private static void freeSgt(String body, long ts, List<VmEvent> out) throws BadLine {
    String device = device(body);
    Map<String, String> f = Fields.keyValues(body);
    Fields.direction(Fields.required(f, "dir"));
    long dma = Fields.address(Fields.required(f, "dma_addr"), "dma_addr");
    long size = Fields.size(Fields.decimal(Fields.required(f, "size"), "size"), "size");
    long[] phys = Fields.hexArray(Fields.required(f, "phys_addrs"), "phys_addrs");
    if (phys.length == 0) {
      throw new BadLine(RejectReason.TRUNCATED, "dma_free_sgt with an empty phys_addrs list");
    }
    long share = evenShare(size, phys.length);
    for (int i = 0; i < phys.length; i++) {
      out.add(
          new VmEvent(
              null,
              Events.free(
                  ts, device, dma + share * i, phys[i], shareOf(size, share, i, phys.length))));
    }
  }

  /**
   * dma_map_sg: "dir=%s [nents=%d/%d ents=%d/%d[ [TRUNCATED]]] dma_addrs={..} sizes={..}
   * phys_addrs={..}". There are nents physical entries and ents DMA segments (an IOMMU may merge
   * entries into fewer segments). With as many of each, entry i is segment i. When they differ, the
   * tracepoint does not say which entry went where: each entry is given an even share of the bytes,
   * laid along the segments in order. A [TRUNCATED] line lists only the first 128 of each; only
   * those are mapped.
   */
  private void mapSg(String body, long ts, List<VmEvent> out) throws BadLine {
    String device = device(body);
    Map<String, String> f = Fields.keyValues(body);
    DmaDirection dir = Fields.direction(Fields.required(f, "dir"));
    long[] dma = Fields.hexArray(Fields.required(f, "dma_addrs"), "dma_addrs");
    long[] sizes = Fields.hexArray(Fields.required(f, "sizes"), "sizes");
    long[] phys = Fields.hexArray(Fields.required(f, "phys_addrs"), "phys_addrs");
    if (dma.length != sizes.length) {
      throw new BadLine(
          RejectReason.MALFORMED,
          "dma_map_sg lists " + dma.length + " dma_addrs but " + sizes.length + " sizes");
    }
    if (dma.length == 0 || phys.length == 0) {
      throw new BadLine(RejectReason.TRUNCATED, "dma_map_sg with an empty list");
    }
    long total = 0;
    for (int i = 0; i < sizes.length; i++) {
      total += Fields.size(sizes[i], "sizes[" + i + "]");
    }
    long callId = nextCallId++;
    List<long[]> ranges = new ArrayList<>();
    if (phys.length == dma.length) {
      for (int i = 0; i < dma.length; i++) {
        out.add(new VmEvent(null, Events.map(ts, device, dma[i], phys[i], sizes[i], dir, callId)));
        ranges.add(new long[] {dma[i], sizes[i], phys[i]});
      }
    } else {
      long share = evenShare(total, phys.length);
      for (int i = 0; i < phys.length; i++) {
        long offset = share * i;
        long bytes = shareOf(total, share, i, phys.length);
        int seg = 0;
        long segStart = 0;
        while (seg < sizes.length - 1 && offset >= segStart + sizes[seg]) {
          segStart += sizes[seg];
          seg++;
        }
        long iova = dma[seg] + (offset - segStart);
        out.add(new VmEvent(null, Events.map(ts, device, iova, phys[i], bytes, dir, callId)));
        ranges.add(new long[] {iova, bytes, phys[i]});
      }
    }
    sgLists.add(device, phys[0], ranges);
  }

  /**
   * dma_unmap_sg: "dir=%s phys_addrs={..}" names the list by its physical addresses only, so the
   * ranges come from the dma_map_sg that mapped the same list. An unmap of a list never seen mapped
   * (the trace started later) unmaps each physical address as its own iova, which the emulator
   * reports as an unknown unmap rather than guessing.
   */
  private void unmapSg(String body, long ts, List<VmEvent> out) throws BadLine {
    String device = device(body);
    Map<String, String> f = Fields.keyValues(body);
    Fields.direction(Fields.required(f, "dir"));
    long[] phys = Fields.hexArray(Fields.required(f, "phys_addrs"), "phys_addrs");
    if (phys.length == 0) {
      throw new BadLine(RejectReason.TRUNCATED, "dma_unmap_sg with an empty phys_addrs list");
    }
    long[] ranges = sgLists.take(device, phys[0]);
    // One call, as dma_unmap_sg is: its ranges share a call id, so they cost one notification.
    long callId = nextCallId++;
    if (ranges == null) {
      for (long p : phys) {
        out.add(new VmEvent(null, Events.unmap(ts, device, p, p, 0, callId)));
      }
      return;
    }
    for (int i = 0; i < ranges.length; i += 3) {
      out.add(
          new VmEvent(
              null, Events.unmap(ts, device, ranges[i], ranges[i + 2], ranges[i + 1], callId)));
    }
  }

  /**
   * Bytes per entry when {@code parts} entries share {@code total} evenly: the tracepoint gives no
   * per-entry size.
   */
  private static long evenShare(long total, int parts) {
    return Math.max(1, total / parts);
  }

  /** Entry {@code i}'s share; the last entry takes the remainder. */
  private static long shareOf(long total, long share, int i, int parts) {
    return i == parts - 1 ? Math.max(1, total - share * (parts - 1)) : share;
  }
}
