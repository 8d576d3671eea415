package io.coiommu.producer;

import io.coiommu.schema.DmaDirection;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;

/**
 * Builds {@link TraceEvent}s with exactly the fields each type uses and the schema defaults for the
 * rest. Sets the fields of an empty event one by one: the generated builder validates and copies
 * every field, and the all-arguments constructor takes every long boxed, which allocated a {@code
 * Long} per field above 127 (a profile of the 1,000-VM fleet's generator put 16 % of its time in
 * {@code Long.valueOf}); the setters take primitives, so only the nullable gpa is boxed.
 */
public final class Events {

  private static final DmaDirection NO_DIRECTION = DmaDirection.BIDIRECTIONAL;

  private Events() {}

  public static TraceEvent vmStart(long tsNs, String host, long guestMemoryBytes) {
    return of(EventType.VM_START, tsNs, "", 0L, null, 0L, NO_DIRECTION, 0L, guestMemoryBytes, host);
  }

  public static TraceEvent vmStop(long tsNs) {
    return of(EventType.VM_STOP, tsNs, "", 0L, null, 0L, NO_DIRECTION, 0L, 0L, "");
  }

  public static TraceEvent map(
      long tsNs, String device, long iova, long gpa, long bytes, DmaDirection dir, long callId) {
    return of(EventType.DMA_MAP, tsNs, device, iova, gpa, bytes, dir, callId, 0L, "");
  }

  /** {@code gpa} may be null: most traces give only the iova of an unmap. */
  public static TraceEvent unmap(
      long tsNs, String device, long iova, Long gpa, long bytes, long callId) {
    return of(EventType.DMA_UNMAP, tsNs, device, iova, gpa, bytes, NO_DIRECTION, callId, 0L, "");
  }

  public static TraceEvent alloc(
      long tsNs, String device, long iova, long gpa, long bytes, DmaDirection dir, long callId) {
    return of(EventType.DMA_ALLOC, tsNs, device, iova, gpa, bytes, dir, callId, 0L, "");
  }

  public static TraceEvent free(long tsNs, String device, long iova, Long gpa, long bytes) {
    return of(EventType.DMA_FREE, tsNs, device, iova, gpa, bytes, NO_DIRECTION, 0L, 0L, "");
  }

  public static TraceEvent balloonInflate(long tsNs, long gpa, long bytes) {
    return of(EventType.BALLOON_INFLATE, tsNs, "", 0L, gpa, bytes, NO_DIRECTION, 0L, 0L, "");
  }

  public static TraceEvent balloonDeflate(long tsNs, long gpa, long bytes) {
    return of(EventType.BALLOON_DEFLATE, tsNs, "", 0L, gpa, bytes, NO_DIRECTION, 0L, 0L, "");
  }

  public static TraceEvent access(long tsNs, String device, long gpa, long bytes) {
    return of(EventType.DMA_ACCESS, tsNs, device, 0L, gpa, bytes, NO_DIRECTION, 0L, 0L, "");
  }

  public static TraceEvent ioPageFault(long tsNs, String device, long iova) {
    return of(EventType.IO_PAGE_FAULT, tsNs, device, iova, null, 0L, NO_DIRECTION, 0L, 0L, "");
  }

  /** An event of every field, as a trace reader that parsed them all makes it. */
  public static TraceEvent of(
      EventType type,
      long tsNs,
      String device,
      long iova,
      Long gpa,
      long bytes,
      DmaDirection direction,
      long callId,
      long guestMemoryBytes,
      String host) {
    TraceEvent e = new TraceEvent();
    e.setType(type);
    e.setTsNs(tsNs);
    e.setDevice(device);
    e.setIova(iova);
    e.setGpa(gpa);
    e.setBytes(bytes);
    e.setDirection(direction);
    e.setCallId(callId);
    e.setGuestMemoryBytes(guestMemoryBytes);
    e.setHost(host);
    return e;
  }
}
