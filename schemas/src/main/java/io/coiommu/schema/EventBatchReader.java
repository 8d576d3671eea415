package io.coiommu.schema;

import io.coiommu.schema.VarintReader.ByteField;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a trace record of the current EventBatch schema (version 3) from its bytes straight into
 * {@link EventColumns}: the Avro binary of that one schema, field by field in schema order, with
 * each column decoded where it lies in the record. Avro's decoder made an EventBatch first, copying
 * each of the eight bytes fields into a buffer of its own, and the columns were decoded from those
 * copies: 18.6 % of a stream thread's samples on a 1,000-VM fleet went to decoding records (issue
 * #14). A version-3 record that carries version-1 events is read here too, so that every corrupt
 * record of the current schema is refused by field. Records of other schemas (versions 1 and 2) are
 * left to Avro, whose resolution maps them onto the current schema.
 *
 * <p>Every length and count is checked against the bytes left in the record before it is used, so
 * corrupt bytes fail with an {@link InvalidBatchException} naming the field, never by reading past
 * the record or allocating from a corrupt length.
 */
final class EventBatchReader {

  static {
    KnownSchemas.allowGeneratedPackage();
  }

  /** The single-object header every record of the current schema starts with. */
  private static final byte[] CURRENT_HEADER = EventBatchBuilder.HEADER;

  private static final int HEADER_BYTES = CURRENT_HEADER.length;

  private static final String[] NO_STRINGS = new String[0];
  private static final EventType[] EVENT_TYPES = EventType.values();
  private static final DmaDirection[] DIRECTIONS = DmaDirection.values();

  /** An int takes at most 5 bytes of 7 bits. */
  private static final int MAX_INT_BYTES = 5;

  private final byte[] record;

  /** Where the columns come from when a spare fits; null: fresh arrays. */
  private final ColumnSpares spares;

  /** The cursor over the record: its varints are Avro's longs and ints. */
  private final VarintReader in = new VarintReader();

  private EventBatchReader(byte[] record, ColumnSpares spares) {
    this.record = record;
    this.spares = spares;
    in.open("vm", record, HEADER_BYTES, record.length);
  }

  /** Whether {@code record} is single-object encoded with the current EventBatch schema. */
  static boolean isCurrent(byte[] record) {
    return record.length >= HEADER_BYTES
        && Arrays.equals(record, 0, HEADER_BYTES, CURRENT_HEADER, 0, HEADER_BYTES);
  }

  /**
   * The columns of a record that {@link #isCurrent}.
   *
   * @throws InvalidBatchException naming the field (and the event, in a column) that does not
   *     decode
   */
  static EventColumns read(byte[] record) {
    return read(record, null);
  }

  /**
   * {@link #read(byte[])} into the arrays of a spare of {@code spares} when one fits (see {@link
   * EventColumns#recycle}). A record that fails to decode leaves the spare it took unusable (some
   * of its columns hold part of the record), so the spare is dropped with the record.
   */
  static EventColumns read(byte[] record, ColumnSpares spares) {
    return new EventBatchReader(record, spares).read();
  }

  private EventColumns read() {
    String vm = string("vm");
    in.name(vm, null);
    long seq = avroLong("seq");
    in.name(vm, seq);
    List<TraceEvent> events = events();
    int count = avroInt("count");
    column(ByteField.FLAGS);
    column(ByteField.TS_NS);
    column(ByteField.IOVA);
    column(ByteField.GPA);
    column(ByteField.BYTES);
    column(ByteField.CALL_ID);
    String[] devices = devices();
    column(ByteField.DEVICE);
    int extrasAt = in.position();
    extras(null);
    long firstIndex = avroLong("firstIndex");
    if (in.remaining() != 0) {
      throw in.error(
          "firstIndex", -1, in.remaining() + " bytes left after it, the record's last field");
    }
    if (!events.isEmpty()) {
      return EventColumns.ofEvents(in, firstIndex, count, events);
    }
    EventColumns columns = EventColumns.decode(in, firstIndex, count, devices, spares);
    in.open("extras", record, extrasAt, record.length);
    extras(columns);
    return columns;
  }

  /** The version-1 list of events: empty in what this project writes since version 2. */
  private List<TraceEvent> events() {
    List<TraceEvent> events = List.of();
    for (long block = blockCount("events"); block != 0; block = blockCount("events")) {
      if (events.isEmpty()) {
        events = new ArrayList<>((int) block);
      }
      for (long k = 0; k < block; k++) {
        events.add(event("events[" + events.size() + "]"));
      }
    }
    return events;
  }

  /** A TraceEvent, its fields in schema order. */
  private TraceEvent event(String field) {
    TraceEvent e = new TraceEvent();
    e.setType(symbol(field, EVENT_TYPES));
    e.setTsNs(avroLong(field));
    e.setDevice(string(field));
    e.setIova(avroLong(field));
    int branch = avroInt(field);
    if (branch == 1) {
      e.setGpa(avroLong(field));
    } else if (branch != 0) {
      throw in.error(field, -1, "gpa's union branch " + branch + " outside 0..1");
    }
    e.setBytes(avroLong(field));
    e.setDirection(symbol(field, DIRECTIONS));
    e.setCallId(avroLong(field));
    e.setGuestMemoryBytes(avroLong(field));
    e.setHost(string(field));
    return e;
  }

  private <E> E symbol(String field, E[] symbols) {
    int i = avroInt(field);
    if (i < 0 || i >= symbols.length) {
      throw in.error(field, -1, "enum index " + i + " outside 0.." + (symbols.length - 1));
    }
    return symbols[i];
  }

  private String[] devices() {
    String[] devices = NO_STRINGS;
    int n = 0;
    for (long block = blockCount("devices"); block != 0; block = blockCount("devices")) {
      // One block in practice (Avro's writers write an array as one): sized once.
      devices = Arrays.copyOf(devices, n + (int) block);
      for (long k = 0; k < block; k++) {
        devices[n++] = string("devices");
      }
    }
    return devices;
  }

  /**
   * Reads EventBatch.extras, giving each entry to {@code into}; with null, only checks that they
   * are there and skips them (they precede firstIndex, which the columns need first).
   */
  private void extras(EventColumns into) {
    int previous = -1;
    for (long block = blockCount("extras"); block != 0; block = blockCount("extras")) {
      for (long k = 0; k < block; k++) {
        int index = avroInt("extras");
        long guestMemoryBytes = avroLong("extras");
        if (into == null) {
          in.skip(length("extras"));
        } else {
          previous = into.extra(in, previous, index, guestMemoryBytes, string("extras"));
        }
      }
    }
  }

  /** A bytes field: where it lies is handed to the reader, nothing is copied. */
  private void column(ByteField f) {
    int n = length(f.field);
    in.field(f, record, in.position(), n);
    in.skip(n);
  }

  private String string(String field) {
    int n = length(field);
    int at = in.position();
    in.skip(n);
    return new String(record, at, n, StandardCharsets.UTF_8);
  }

  /** The length of a string or bytes field, checked against what is left of the record. */
  private int length(String field) {
    in.rename(field);
    long n = in.next(-1);
    if (n < 0 || n > in.remaining()) {
      throw in.error(
          field, -1, "length " + n + " where the record has " + in.remaining() + " bytes left");
    }
    return (int) n;
  }

  private long avroLong(String field) {
    in.rename(field);
    return in.next(-1);
  }

  /** An Avro int: a varint of at most 5 bytes whose value fits an int, as Avro's decoder asks. */
  private int avroInt(String field) {
    int at = in.position();
    long v = avroLong(field);
    if (in.position() - at > MAX_INT_BYTES) {
      throw in.error(field, -1, "bad int: longer than " + MAX_INT_BYTES + " bytes");
    }
    if (v != (int) v) {
      throw in.error(field, -1, "int out of range: " + v);
    }
    return (int) v;
  }

  /**
   * The item count of an array's next block (0: the array ended). A negative count is followed by
   * the block's size in bytes. Each item takes a byte at least, so a count above the bytes left is
   * corrupt: refused before anything is sized from it.
   */
  private long blockCount(String field) {
    in.rename(field);
    long n = in.next(-1);
    if (n < 0) {
      if (n == Long.MIN_VALUE) {
        throw in.error(field, -1, "array block of " + n + " items");
      }
      n = -n;
      long size = in.next(-1);
      if (size < 0 || size > in.remaining()) {
        throw in.error(
            field,
            -1,
            "array block of " + size + " bytes where the record has " + in.remaining() + " left");
      }
    }
    if (n > in.remaining()) {
      throw in.error(
          field,
          -1,
          "array block of " + n + " items where the record has " + in.remaining() + " bytes left");
    }
    return n;
  }
}
