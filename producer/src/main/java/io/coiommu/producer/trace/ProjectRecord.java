package io.coiommu.producer.trace;

import io.coiommu.producer.Events;
import io.coiommu.producer.RejectReason;
import io.coiommu.producer.VmEvent;
import io.coiommu.producer.VmIdentity;
import io.coiommu.schema.DmaDirection;
import io.coiommu.schema.EventType;
import java.util.List;
import java.util.Locale;

/**
 * One event of the project's own CSV or JSON-lines format: the fields of the TraceEvent schema by
 * name, plus {@code vm}. Each event type must carry the fields it uses (a map needs device, iova,
 * gpa and bytes...), so a hand-written trace with a missing field is rejected with its name rather
 * than replayed with a zero.
 */
final class ProjectRecord {

  /** Column names in the order the documented CSV header uses. */
  static final List<String> COLUMNS =
      List.of(
          "tsNs",
          "vm",
          "type",
          "device",
          "iova",
          "gpa",
          "bytes",
          "direction",
          "callId",
          "guestMemoryBytes",
          "host");

  /** Reads one named field of the record being decoded; null when absent or empty. */
  interface Source {
    String get(String field);
  }

  private ProjectRecord() {}

  /**
   * Header names are matched without regard to case or underscores: {@code ts_ns} is {@code tsNs}.
   */
  static String canonical(String name) {
    String n = name.trim().replace("_", "").toLowerCase(Locale.ROOT);
    for (String c : COLUMNS) {
      if (c.toLowerCase(Locale.ROOT).equals(n)) {
        return c;
      }
    }
    return null;
  }

  static VmEvent decode(Source s, VmIdentity identity) throws BadLine {
    String typeText = s.get("type");
    if (typeText == null) {
      throw new BadLine(RejectReason.TRUNCATED, "missing type");
    }
    EventType type;
    try {
      type = EventType.valueOf(typeText.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      type = EventType.UNKNOWN;
    }
    if (type == EventType.UNKNOWN) {
      throw new BadLine(
          RejectReason.UNKNOWN_EVENT, "unknown event type '" + Fields.shorten(typeText) + "'");
    }
    String vm = s.get("vm");
    if (vm == null) {
      if (identity == null) {
        throw new BadLine(RejectReason.NO_VM, "no vm and no VM identity given");
      }
      vm = identity.vm();
    }
    long ts = Fields.decimal(need(s, "tsNs", type).trim(), "tsNs");
    String device = s.get("device") == null ? "" : s.get("device").trim();
    long iova = 0;
    Long gpa = null;
    long bytes = 0;
    DmaDirection dir = DmaDirection.BIDIRECTIONAL;
    long callId = s.get("callId") == null ? 0 : Fields.number(s.get("callId"), "callId");
    long guestBytes = 0;
    String host = s.get("host") == null ? "" : s.get("host").trim();
    switch (type) {
      case VM_START ->
          guestBytes =
              Fields.size(
                  Fields.number(need(s, "guestMemoryBytes", type), "guestMemoryBytes"),
                  "guestMemoryBytes");
      case VM_STOP -> {}
      case DMA_MAP, DMA_ALLOC -> {
        needDevice(device, type);
        iova = Fields.number(need(s, "iova", type), "iova");
        gpa = Fields.number(need(s, "gpa", type), "gpa");
        bytes = Fields.size(Fields.number(need(s, "bytes", type), "bytes"), "bytes");
        if (s.get("direction") != null) {
          dir = Fields.direction(s.get("direction").trim().toUpperCase(Locale.ROOT));
        }
      }
      case DMA_UNMAP, DMA_FREE -> {
        needDevice(device, type);
        iova = Fields.number(need(s, "iova", type), "iova");
        gpa = s.get("gpa") == null ? null : Fields.number(s.get("gpa"), "gpa");
        bytes = s.get("bytes") == null ? 0 : Fields.number(s.get("bytes"), "bytes");
      }
      case BALLOON_INFLATE, BALLOON_DEFLATE -> {
        gpa = Fields.number(need(s, "gpa", type), "gpa");
        bytes = Fields.size(Fields.number(need(s, "bytes", type), "bytes"), "bytes");
      }
      case DMA_ACCESS -> {
        needDevice(device, type);
        gpa = Fields.number(need(s, "gpa", type), "gpa");
        bytes = Fields.size(Fields.number(need(s, "bytes", type), "bytes"), "bytes");
      }
      case IO_PAGE_FAULT -> {
        needDevice(device, type);
        iova = Fields.number(need(s, "iova", type), "iova");
      }
      default -> throw new BadLine(RejectReason.UNKNOWN_EVENT, "unknown event type " + type);
    }
    return new VmEvent(
        vm, Events.of(type, ts, device, iova, gpa, bytes, dir, callId, guestBytes, host));
  }

  private static String need(Source s, String field, EventType type) throws BadLine {
    String v = s.get(field);
    if (v == null) {
      throw new BadLine(RejectReason.TRUNCATED, type + " needs " + field);
    }
    return v;
  }

  private static void needDevice(String device, EventType type) throws BadLine {
    if (device.isEmpty()) {
      throw new BadLine(RejectReason.TRUNCATED, type + " needs device");
    }
  }
}
