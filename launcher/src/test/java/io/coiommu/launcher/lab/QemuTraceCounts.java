package io.coiommu.launcher.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * What QEMU itself logged during a lab capture: every trace event of its {@code log} backend
 * counted by name, and the IOVA pages virtio-iommu held mapped (from its MAP and UNMAP requests),
 * so the project's figures can be compared with the hypervisor's own. Read from {@code
 * qemu-trace.log} or its gzipped form; lines may carry the {@code PID@SECONDS:} prefix that {@code
 * -msg timestamp=on} adds.
 */
final class QemuTraceCounts {

  private static final Pattern LINE =
      Pattern.compile("^(?:\\d+@\\d+\\.\\d+:)?([a-z0-9_]+)(?:\\s+(.*))?$");
  private static final Pattern NOTIFY_VDEV = Pattern.compile("vdev (0x[0-9a-f]+)");
  private static final Pattern VIRTIO_IOMMU_MAP =
      Pattern.compile(
          "domain=(\\d+) virt_start=0x([0-9a-f]+) virt_end=0x([0-9a-f]+)(?: phys_start=0x([0-9a-f]+))?");

  private final Map<String, Long> events;
  private final IovaPages virtioMappings;
  private final long virtioIommuKicks;

  private QemuTraceCounts(
      Map<String, Long> events, IovaPages virtioMappings, long virtioIommuKicks) {
    this.events = events;
    this.virtioMappings = virtioMappings;
    this.virtioIommuKicks = virtioIommuKicks;
  }

  static QemuTraceCounts read(Path log) throws IOException {
    Map<String, Long> events = new TreeMap<>();
    IovaPages held = new IovaPages();
    // virtio_queue_notify names the device by pointer: the virtio-iommu is the one whose kick a
    // request follows.
    Map<String, Long> kicks = new TreeMap<>();
    String lastKicked = null;
    String iommuDevice = null;
    try (InputStream raw = Files.newInputStream(log);
        InputStream in = log.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      long number = 0;
      while ((line = r.readLine()) != null) {
        number++;
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
          throw new IOException(log + ":" + number + ": not a QEMU trace line: " + line);
        }
        String event = m.group(1);
        events.merge(event, 1L, Long::sum);
        if (event.equals("virtio_queue_notify")) {
          Matcher vdev = NOTIFY_VDEV.matcher(m.group(2) == null ? "" : m.group(2));
          lastKicked = vdev.find() ? vdev.group(1) : null;
          kicks.merge(String.valueOf(lastKicked), 1L, Long::sum);
        } else if (event.equals("virtio_iommu_map") && iommuDevice == null) {
          iommuDevice = lastKicked;
        }
        if (event.equals("virtio_iommu_map") || event.equals("virtio_iommu_unmap")) {
          Matcher range = VIRTIO_IOMMU_MAP.matcher(m.group(2) == null ? "" : m.group(2));
          if (!range.find()) {
            throw new IOException(
                log + ":" + number + ": " + event + " without domain and range: " + line);
          }
          long domain = Long.parseLong(range.group(1));
          // virt_end is inclusive in QEMU's requests (virtio-iommu spec: the range [virt_start,
          // virt_end]).
          long first = Long.parseUnsignedLong(range.group(2), 16) >>> 12;
          long last = Long.parseUnsignedLong(range.group(3), 16) >>> 12;
          if (event.equals("virtio_iommu_map")) {
            if (range.group(4) == null) {
              throw new IOException(
                  log + ":" + number + ": virtio_iommu_map without phys_start: " + line);
            }
            held.map(domain, first, last, Long.parseUnsignedLong(range.group(4), 16) >>> 12);
          } else {
            held.unmap(domain, first, last);
          }
        }
      }
    }
    return new QemuTraceCounts(events, held, iommuDevice == null ? 0 : kicks.get(iommuDevice));
  }

  /** How many times QEMU logged {@code event} (0 if never). */
  long count(String event) {
    return events.getOrDefault(event, 0L);
  }

  /** Events whose name starts with {@code prefix}, summed. */
  long countPrefix(String prefix) {
    return events.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  /**
   * What virtio-iommu held mapped, from its MAP and UNMAP requests (empty without a virtio-iommu).
   */
  IovaPages virtioMappings() {
    return virtioMappings;
  }

  /**
   * Kicks of the virtio-iommu's request queue ({@code virtio_queue_notify} of its device, when the
   * log has them): each is a guest MMIO write, an exit.
   */
  long virtioIommuKicks() {
    return virtioIommuKicks;
  }

  Map<String, Long> events() {
    return events;
  }
}
