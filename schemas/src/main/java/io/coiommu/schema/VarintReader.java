package io.coiommu.schema;

import java.nio.ByteBuffer;

/**
 * Reads one varint column at a time (Avro's zig-zag longs, as {@link EventBatchBuilder} writes
 * them) straight from the column's bytes, turning a column that does not decode into an error that
 * names field and event. Read here rather than through Avro's BinaryDecoder: its per-value bounds
 * and buffer checks were most of the decode, which was a sixth of a stream thread's time on a fleet
 * (issue #14), and most values of a column are one byte.
 */
final class VarintReader {

  /** A long takes at most 10 bytes of 7 bits. */
  private static final int MAX_VARINT_BYTES = 10;

  private final EventBatch batch;
  private String field;
  private byte[] bytes;
  private int pos;
  private int end;

  VarintReader(EventBatch batch) {
    this.batch = batch;
  }

  void open(String name, ByteBuffer column) {
    field = name;
    if (column.hasArray()) {
      bytes = column.array();
      pos = column.arrayOffset() + column.position();
    } else {
      bytes = new byte[column.remaining()];
      column.duplicate().get(bytes);
      pos = 0;
    }
    end = pos + column.remaining();
  }

  long next(int event) {
    int p = pos;
    if (p >= end) {
      throw truncated(event);
    }
    int b = bytes[p++];
    if (b >= 0) {
      pos = p;
      return (b >>> 1) ^ -(b & 1);
    }
    long raw = b & 0x7f;
    for (int shift = 7; ; shift += 7) {
      if (p >= end) {
        throw truncated(event);
      }
      b = bytes[p++];
      raw |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        break;
      }
      if (shift == 7 * (MAX_VARINT_BYTES - 1)) {
        throw new InvalidBatchException(
            batch, field, event, "bad varint: longer than " + MAX_VARINT_BYTES + " bytes");
      }
    }
    pos = p;
    return (raw >>> 1) ^ -(raw & 1);
  }

  private InvalidBatchException truncated(int event) {
    return new InvalidBatchException(
        batch, field, event, "column ends inside or before this event's varint");
  }

  /** The column must end with event {@code count - 1}'s varint. */
  void close(int count) {
    if (pos != end) {
      throw new InvalidBatchException(
          batch, field, count, "bytes left after the last event's varint");
    }
  }
}
