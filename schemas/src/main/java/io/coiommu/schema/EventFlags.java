package io.coiommu.schema;

import java.util.Objects;

/**
 * EventBatch.flags, one byte per event: the event type in bits 0-3, the DMA direction in bits 4-5,
 * whether the event has a gpa in bit 6; bit 7 is unused and must be 0.
 */
final class EventFlags {

  private static final EventType[] TYPES = EventType.values();
  private static final DmaDirection[] DIRECTIONS = DmaDirection.values();
  private static final int TYPE_MASK = 0x0f;
  private static final int DIRECTION_SHIFT = 4;
  private static final int DIRECTION_MASK = 0x03;
  static final int HAS_GPA = 0x40;
  private static final int UNUSED_BITS = 0x80;

  static {
    if (TYPES.length > TYPE_MASK + 1 || DIRECTIONS.length > DIRECTION_MASK + 1) {
      throw new ExceptionInInitializerError(
          "EventType or DmaDirection outgrew its bits in EventBatch.flags");
    }
  }

  private EventFlags() {}

  /** {@code e}'s flags; a TraceEvent without a type or a direction is refused by name. */
  static byte of(TraceEvent e) {
    return of(
        Objects.requireNonNull(e.getType(), "event type"),
        Objects.requireNonNull(e.getDirection(), "event direction"),
        e.getGpa() != null);
  }

  static byte of(EventType type, DmaDirection direction, boolean hasGpa) {
    return (byte)
        (type.ordinal() | direction.ordinal() << DIRECTION_SHIFT | (hasGpa ? HAS_GPA : 0));
  }

  static EventType type(int flags) {
    return TYPES[flags & TYPE_MASK];
  }

  static DmaDirection direction(int flags) {
    return DIRECTIONS[(flags >>> DIRECTION_SHIFT) & DIRECTION_MASK];
  }

  static boolean hasGpa(int flags) {
    return (flags & HAS_GPA) != 0;
  }

  /** Checks the first {@code size} flags of a batch; returns how many events have a gpa. */
  static int check(EventBatch batch, byte[] flags, int size) {
    int withGpa = 0;
    for (int i = 0; i < size; i++) {
      int f = flags[i];
      if ((f & UNUSED_BITS) != 0) {
        throw new InvalidBatchException(batch, "flags", i, "bit 7 is set");
      }
      if ((f & TYPE_MASK) >= TYPES.length) {
        throw new InvalidBatchException(
            batch,
            "flags",
            i,
            "EventType index " + (f & TYPE_MASK) + " outside 0.." + (TYPES.length - 1));
      }
      if ((f >>> DIRECTION_SHIFT & DIRECTION_MASK) >= DIRECTIONS.length) {
        throw new InvalidBatchException(
            batch,
            "flags",
            i,
            "DmaDirection index "
                + (f >>> DIRECTION_SHIFT & DIRECTION_MASK)
                + " outside 0.."
                + (DIRECTIONS.length - 1));
      }
      withGpa += (f & HAS_GPA) >>> 6;
    }
    return withGpa;
  }
}
