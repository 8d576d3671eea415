package io.coiommu.schema;

import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * Reads the varints of one batch (Avro's zig-zag longs, as {@link EventBatchBuilder} writes them)
 * straight from byte ranges, turning bytes that do not decode into an error that names field and
 * event. It holds where each {@link ByteField} of the batch lies, so that the columns decode the
 * same way whether Avro decoded the record into an EventBatch ({@link #of}) or {@link
 * EventBatchReader} found the fields in the record's own bytes. Read here rather than through
 * Avro's BinaryDecoder: its per-value bounds and buffer checks were most of the decode, which was a
 * sixth of a stream thread's time on a fleet (issue #14), and most values of a column are one byte.
 */
final class VarintReader {

  /** EventBatch's fields of type bytes: the columns. */
  enum ByteField {
    FLAGS("flags", EventBatch::getFlags),
    TS_NS("tsNs", EventBatch::getTsNs),
    IOVA("iova", EventBatch::getIova),
    GPA("gpa", EventBatch::getGpa),
    BYTES("bytes", EventBatch::getBytes),
    CALL_ID("callId", EventBatch::getCallId),
    DEVICE("device", EventBatch::getDevice);

    final String field;
    private final Function<EventBatch, ByteBuffer> decoded;

    ByteField(String field, Function<EventBatch, ByteBuffer> decoded) {
      this.field = field;
      this.decoded = decoded;
    }
  }

  private static final ByteField[] BYTE_FIELDS = ByteField.values();

  /** A long takes at most 10 bytes of 7 bits. */
  private static final int MAX_VARINT_BYTES = 10;

  // What errors name the batch by: null until read from the record.
  private String vm;
  private Long seq;

  /** The batch Avro decoded, when there is one. */
  private EventBatch batch;

  private final byte[][] fieldBytes = new byte[BYTE_FIELDS.length][];
  private final int[] fieldFrom = new int[BYTE_FIELDS.length];
  private final int[] fieldLength = new int[BYTE_FIELDS.length];

  // The range being read.
  private String field;
  private byte[] bytes;
  private int pos;
  private int end;

  /** A reader of a batch not read yet: {@link #name} it when its vm and seq are known. */
  VarintReader() {}

  /** A reader of the columns of a batch Avro decoded. */
  static VarintReader of(EventBatch batch) {
    VarintReader in = new VarintReader();
    in.batch = batch;
    in.name(batch.getVm(), batch.getSeq());
    for (ByteField f : BYTE_FIELDS) {
      ByteBuffer column = f.decoded.apply(batch);
      if (column.hasArray()) {
        in.field(f, column.array(), column.arrayOffset() + column.position(), column.remaining());
      } else {
        byte[] copy = new byte[column.remaining()];
        column.duplicate().get(copy);
        in.field(f, copy, 0, copy.length);
      }
    }
    return in;
  }

  /** What errors name the batch by from now on; {@code seq} null while it is not read. */
  void name(String vm, Long seq) {
    this.vm = vm;
    this.seq = seq;
  }

  String vm() {
    return vm;
  }

  long seq() {
    return seq;
  }

  /**
   * The batch as {@link EventFlags#check} names it: Avro's, or one that carries only vm and seq
   * (made only for that check, which names a batch by an EventBatch).
   */
  EventBatch batch() {
    if (batch == null) {
      batch = new EventBatch();
      batch.setVm(vm);
      batch.setSeq(seq);
    }
    return batch;
  }

  /** Field {@code f} of the batch is {@code length} bytes of {@code in} from {@code from}. */
  void field(ByteField f, byte[] in, int from, int length) {
    fieldBytes[f.ordinal()] = in;
    fieldFrom[f.ordinal()] = from;
    fieldLength[f.ordinal()] = length;
  }

  int length(ByteField f) {
    return fieldLength[f.ordinal()];
  }

  /** Copies the first {@code n} bytes of field {@code f} (at most its length) to {@code into}. */
  void copy(ByteField f, byte[] into, int n) {
    System.arraycopy(fieldBytes[f.ordinal()], fieldFrom[f.ordinal()], into, 0, n);
  }

  /** Starts reading field {@code f}'s varints. */
  void open(ByteField f) {
    int i = f.ordinal();
    open(f.field, fieldBytes[i], fieldFrom[i], fieldFrom[i] + fieldLength[i]);
  }

  /** Starts reading varints of {@code name} from {@code in}[from, to). */
  void open(String name, byte[] in, int from, int to) {
    field = name;
    bytes = in;
    pos = from;
    end = to;
  }

  /** Goes on reading the same range as field {@code name}. */
  void rename(String name) {
    field = name;
  }

  int position() {
    return pos;
  }

  int remaining() {
    return end - pos;
  }

  /** Skips {@code n} bytes, which the caller checked are there. */
  void skip(int n) {
    pos += n;
  }

  /**
   * The next varint, of event {@code event} (-1: the field is not a column, but one value of the
   * batch).
   */
  long next(int event) {
    int p = pos;
    if (p > end - MAX_VARINT_BYTES) {
      checkEnds(p, event);
    }
    // The varint's last byte is there: no check of the end per byte, which was a fifth of
    // decoding a column.
    byte[] in = bytes;
    int b = in[p++];
    if (b >= 0) {
      pos = p;
      return (b >>> 1) ^ -(b & 1);
    }
    long raw = b & 0x7f;
    for (int shift = 7; ; shift += 7) {
      b = in[p++];
      raw |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        break;
      }
      if (shift == 7 * (MAX_VARINT_BYTES - 1)) {
        throw tooLong(event);
      }
    }
    pos = p;
    return (raw >>> 1) ^ -(raw & 1);
  }

  /**
   * Near the end of the range: the varint at {@code p} must end (a byte with bit 7 clear) before
   * the range does.
   */
  private void checkEnds(int p, int event) {
    for (int q = p; ; q++) {
      if (q >= end) {
        throw truncated(event);
      }
      if (bytes[q] >= 0) {
        return;
      }
    }
  }

  private InvalidBatchException tooLong(int event) {
    return error(field, event, "bad varint: longer than " + MAX_VARINT_BYTES + " bytes");
  }

  private InvalidBatchException truncated(int event) {
    return error(
        field,
        event,
        event < 0
            ? "the record ends inside or before this field's varint"
            : "column ends inside or before this event's varint");
  }

  /** The column must end with event {@code count - 1}'s varint. */
  void close(int count) {
    if (pos != end) {
      throw error(field, count, "bytes left after the last event's varint");
    }
  }

  /** An error in {@code field} of this batch, at event {@code event} (-1: none). */
  InvalidBatchException error(String field, int event, String problem) {
    return new InvalidBatchException(vm, seq, field, event, problem);
  }
}
