package io.coiommu.producer;

import io.coiommu.schema.DmaDirection;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;

/**
 * Builds {@link TraceEvent}s with exactly the fields each type uses and the schema defaults for the
 * rest. Uses the all-arguments constructor: the generated builder validates and copies every field,
 * which is measurable at millions of events per second.
 */
public final class Events {

  private static final DmaDirection NO_DIRECTION = DmaDirection.BIDIRECTIONAL;

  private Events() {}

  public static TraceEvent vmStart(long tsNs, String host, long guestMemoryBytes) {
    return new TraceEvent(
        EventType.VM_START, tsNs, "", 0L, null, 0L, NO_DIRECTION, 0L, guestMemoryBytes, host);
  }

  public static TraceEvent vmStop(long tsNs) {
    return new TraceEvent(EventType.VM_STOP, tsNs, "", 0L, null, 0L, NO_DIRECTION, 0L, 0L, "");
  }

  public static TraceEvent map(
      long tsNs, String device, long iova, long gpa, long bytes, DmaDirection dir, long callId) {
    return new TraceEvent(EventType.DMA_MAP, tsNs, device, iova, gpa, bytes, dir, callId, 0L, "");
  }

  /** {@code gpa} may be null: most traces give only the iova of an unmap. */
  public static TraceEvent unmap(
      long tsNs, String device, long iova, Long gpa, long bytes, long callId) {
    return new TraceEvent(
        EventType.DMA_UNMAP, tsNs, device, iova, gpa, bytes, NO_DIRECTION, callId, 0L, "");
  }

  public static TraceEvent alloc(
      long tsNs, String device, long iova, long gpa, long bytes, DmaDirection dir, long callId) {
    return new TraceEvent(EventType.DMA_ALLOC, tsNs, device, iova, gpa, bytes, dir, callId, 0L, "");
  }

  public static TraceEvent free(long tsNs, String device, long iova, Long gpa, long bytes) {
    return new TraceEvent(
        EventType.DMA_FREE, tsNs, device, iova, gpa, bytes, NO_DIRECTION, 0L, 0L, "");
  }

  public static TraceEvent balloonInflate(long tsNs, long gpa, long bytes) {
    return new TraceEvent(
        EventType.BALLOON_INFLATE, tsNs, "", 0L, gpa, bytes, NO_DIRECTION, 0L, 0L, "");
  }

  public static TraceEvent balloonDeflate(long tsNs, long gpa, long bytes) {
    return new TraceEvent(
        EventType.BALLOON_DEFLATE, tsNs, "", 0L, gpa, bytes, NO_DIRECTION, 0L, 0L, "");
  }

  public static TraceEvent access(long tsNs, String device, long gpa, long bytes) {
    return new TraceEvent(
        EventType.DMA_ACCESS, tsNs, device, 0L, gpa, bytes, NO_DIRECTION, 0L, 0L, "");
  }

  public static TraceEvent ioPageFault(long tsNs, String device, long iova) {
    return new TraceEvent(
        EventType.IO_PAGE_FAULT, tsNs, device, iova, null, 0L, NO_DIRECTION, 0L, 0L, "");
  }
}
