package io.coiommu.producer.trace;

import io.coiommu.producer.Events;
import io.coiommu.producer.RejectReason;
import io.coiommu.producer.VmEvent;
import io.coiommu.schema.DmaDirection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * QEMU trace logs (the "log" trace backend, {@code -trace virtio_iommu_*,vtd_*,virtio_balloon_*}),
 * lines {@code [PID@SECONDS.MICROS:]EVENT ARGS} with the argument text of QEMU's trace-events
 * format strings. Decoded: virtio-iommu map/unmap requests (with the endpoint of each domain from
 * virtio_iommu_attach), the intel-iommu shadow page-table walk that caching mode runs after each
 * guest invalidation (vtd_page_walk_one: a map, or an unmap when perm is 0; every vtd_inv_* event
 * starts a new guest call), and virtio-balloon page reports. Other events are ignored.
 *
 * <p>Lines without the PID@time prefix carry no time: they are given one microsecond each, in file
 * order, and docs/traces.md says so.
 */
final class QemuLogParser implements LineParser {

  static final Pattern LINE =
      Pattern.compile("^(?:(\\d+)@(\\d+)\\.(\\d{1,9}):)?([a-z][a-z0-9_]*)(?: (.*))?$");
  private static final Pattern VTD_WALK =
      Pattern.compile(
          "domain 0x([0-9a-fA-F]+) iova 0x([0-9a-fA-F]+) -> gpa 0x([0-9a-fA-F]+) mask 0x([0-9a-fA-F]+) perm (\\d+)");
  private static final Pattern BALLOON_GPA = Pattern.compile(".*gpa: 0x([0-9a-fA-F]+)\\s*$");
  private static final Pattern BALLOON_TARGET = Pattern.compile(".*num_pages: (\\d+).*");
  private static final Pattern BALLOON_ACTUAL =
      Pattern.compile("(?:num_pages: (\\d+) )?actual: (\\d+).*");
  private static final long NO_TIME_STEP_NS = 1_000;
  private static final int VIRTIO_IOMMU_MAP_F_READ = 1;
  private static final int VIRTIO_IOMMU_MAP_F_WRITE = 2;

  private final Map<Long, String> endpointOfDomain = new HashMap<>();

  /**
   * Per virtio-iommu domain, live mappings by start: {end, gpa}. A range unmap removes all it
   * covers.
   */
  private final Map<Long, TreeMap<Long, long[]>> mappings = new HashMap<>();

  private long nextCallId = 1;
  private long vtdCallId;
  private long balloonTargetPages = -1;
  private long balloonActualPages;

  @Override
  public Outcome parse(String line, long lineNumber, List<VmEvent> out) throws BadLine {
    if (line.isBlank() || line.startsWith("#")) {
      return Outcome.IGNORED;
    }
    Matcher m = LINE.matcher(line);
    if (!m.matches()) {
      throw new BadLine(
          RejectReason.MALFORMED, "not a QEMU trace log line ([PID@SECONDS.MICROS:]EVENT ARGS)");
    }
    String event = m.group(4);
    String args = m.group(5) == null ? "" : m.group(5);
    long ts;
    if (m.group(2) != null) {
      ts = Fields.secondsToNanos(m.group(2) + "." + m.group(3), "timestamp");
    } else {
      ts = lineNumber * NO_TIME_STEP_NS;
    }
    switch (event) {
      case "virtio_iommu_attach" -> {
        Map<String, String> f = Fields.keyValues(args);
        long domain = Fields.decimal(Fields.required(f, "domain"), "domain");
        long endpoint = Fields.decimal(Fields.required(f, "endpoint"), "endpoint");
        endpointOfDomain.put(domain, bdf(endpoint));
        return Outcome.IGNORED;
      }
      case "virtio_iommu_map" -> virtioMap(args, ts, out);
      case "virtio_iommu_unmap" -> virtioUnmap(args, ts, out);
      case "vtd_page_walk_one" -> vtdWalk(args, ts, out);
      case "virtio_balloon_to_target" -> {
        balloonTargetPages = Fields.decimal(group(BALLOON_TARGET, args, event, 1), "num_pages");
        return Outcome.IGNORED;
      }
      case "virtio_balloon_get_config", "virtio_balloon_set_config" -> {
        Matcher b = BALLOON_ACTUAL.matcher(args);
        if (!b.matches()) {
          throw new BadLine(RejectReason.MALFORMED, event + " without actual:");
        }
        if (b.group(1) != null) {
          balloonTargetPages = Fields.decimal(b.group(1), "num_pages");
        }
        balloonActualPages = Fields.decimal(b.group(2), "actual");
        return Outcome.IGNORED;
      }
      case "virtio_balloon_handle_output" -> balloonPage(args, ts, out);
      default -> {
        if (event.startsWith("vtd_inv_")) {
          vtdCallId = 0;
        }
        return Outcome.IGNORED;
      }
    }
    return Outcome.EVENTS;
  }

  private String device(long domain) {
    return endpointOfDomain.getOrDefault(domain, "viommu-domain-" + domain);
  }

  /** A virtio-iommu endpoint id is a PCI requester id: bus << 8 | devfn. */
  static String bdf(long endpoint) {
    return String.format(
        "0000:%02x:%02x.%x", (endpoint >> 8) & 0xff, (endpoint >> 3) & 0x1f, endpoint & 0x7);
  }

  /** "domain=%d virt_start=0x%x virt_end=0x%x phys_start=0x%x flags=%d" (virt_end inclusive). */
  private void virtioMap(String args, long ts, List<VmEvent> out) throws BadLine {
    Map<String, String> f = Fields.keyValues(args);
    long domain = Fields.decimal(Fields.required(f, "domain"), "domain");
    long start = Fields.address(Fields.required(f, "virt_start"), "virt_start");
    long end = Fields.address(Fields.required(f, "virt_end"), "virt_end");
    long phys = Fields.address(Fields.required(f, "phys_start"), "phys_start");
    long flags = Fields.decimal(Fields.required(f, "flags"), "flags");
    if (end < start) {
      throw new BadLine(RejectReason.OUT_OF_RANGE, "virt_end is below virt_start");
    }
    long bytes = Fields.size(end - start + 1, "virt_end - virt_start + 1");
    boolean read = (flags & VIRTIO_IOMMU_MAP_F_READ) != 0;
    boolean write = (flags & VIRTIO_IOMMU_MAP_F_WRITE) != 0;
    DmaDirection dir =
        read && !write
            ? DmaDirection.TO_DEVICE
            : write && !read ? DmaDirection.FROM_DEVICE : DmaDirection.BIDIRECTIONAL;
    mappings.computeIfAbsent(domain, d -> new TreeMap<>()).put(start, new long[] {end, phys});
    out.add(
        new VmEvent(null, Events.map(ts, device(domain), start, phys, bytes, dir, nextCallId++)));
  }

  /**
   * "domain=%d virt_start=0x%x virt_end=0x%x": removes every mapping inside the range, as QEMU
   * does.
   */
  private void virtioUnmap(String args, long ts, List<VmEvent> out) throws BadLine {
    Map<String, String> f = Fields.keyValues(args);
    long domain = Fields.decimal(Fields.required(f, "domain"), "domain");
    long start = Fields.address(Fields.required(f, "virt_start"), "virt_start");
    long end = Fields.address(Fields.required(f, "virt_end"), "virt_end");
    if (end < start) {
      throw new BadLine(RejectReason.OUT_OF_RANGE, "virt_end is below virt_start");
    }
    TreeMap<Long, long[]> live = mappings.get(domain);
    boolean any = false;
    if (live != null) {
      Map<Long, long[]> covered = live.subMap(start, true, end, true);
      for (Map.Entry<Long, long[]> e : covered.entrySet()) {
        long[] m = e.getValue();
        out.add(
            new VmEvent(
                null,
                Events.unmap(ts, device(domain), e.getKey(), m[1], m[0] - e.getKey() + 1, 0)));
        any = true;
      }
      covered.clear();
    }
    if (!any) {
      // Nothing mapped there as far as this trace knows; the emulator decides what that means.
      out.add(
          new VmEvent(
              null,
              Events.unmap(
                  ts,
                  device(domain),
                  start,
                  null,
                  Fields.size(end - start + 1, "virt_end - virt_start + 1"),
                  0)));
    }
  }

  /** "domain 0x%x iova 0x%x -> gpa 0x%x mask 0x%x perm %d". */
  private void vtdWalk(String args, long ts, List<VmEvent> out) throws BadLine {
    Matcher w = VTD_WALK.matcher(args);
    if (!w.matches()) {
      throw new BadLine(
          RejectReason.MALFORMED,
          "vtd_page_walk_one arguments not as 'domain 0x.. iova 0x.. -> gpa 0x.. "
              + "mask 0x.. perm N'");
    }
    long domain = Fields.address(w.group(1), "domain");
    long iova = Fields.address(w.group(2), "iova");
    long gpa = Fields.address(w.group(3), "gpa");
    long bytes = Fields.size(Fields.address(w.group(4), "mask") + 1, "mask + 1");
    long perm = Fields.decimal(w.group(5), "perm");
    String device = "dmar-domain-" + domain;
    if (perm == 0) {
      out.add(new VmEvent(null, Events.unmap(ts, device, iova, null, bytes, 0)));
      return;
    }
    if (vtdCallId == 0) {
      vtdCallId = nextCallId++;
    }
    DmaDirection dir =
        perm == 1
            ? DmaDirection.TO_DEVICE
            : perm == 2 ? DmaDirection.FROM_DEVICE : DmaDirection.BIDIRECTIONAL;
    out.add(new VmEvent(null, Events.map(ts, device, iova, gpa, bytes, dir, vtdCallId)));
  }

  /**
   * "section name: %s gpa: 0x%x": one 4 KiB page reported on either balloon queue; the event does
   * not say which. The guest moves its balloon toward the host's target, so a page reported while
   * the balloon is below target is an inflate, and above target a deflate.
   */
  private void balloonPage(String args, long ts, List<VmEvent> out) throws BadLine {
    long gpa = Fields.address(group(BALLOON_GPA, args, "virtio_balloon_handle_output", 1), "gpa");
    boolean deflating = balloonTargetPages >= 0 && balloonTargetPages < balloonActualPages;
    out.add(
        new VmEvent(
            null,
            deflating
                ? Events.balloonDeflate(ts, gpa, 4096)
                : Events.balloonInflate(ts, gpa, 4096)));
  }

  private static String group(Pattern p, String args, String event, int group) throws BadLine {
    Matcher m = p.matcher(args);
    if (!m.matches()) {
      throw new BadLine(RejectReason.MALFORMED, event + " arguments not in QEMU's format");
    }
    return m.group(group);
  }
}
