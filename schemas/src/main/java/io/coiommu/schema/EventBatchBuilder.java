package io.coiommu.schema;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryData;

/**
 * Encodes one VM's events into an {@link EventBatch} of version 3 as they arrive (see
 * EventBatch.avsc for the encoding, field by field): a pending event costs its encoded bytes (about
 * 15), not a slot in nine primitive columns encoded again at the end. This is the project's only
 * writer of the columns: {@link EventColumns#toBatch} feeds its events through one. {@link #encode}
 * hands out the batch as a trace record's bytes, {@link #build} as an EventBatch, and either
 * empties the builder, whose buffer stays grown for the next batch.
 *
 * <p>Each event's column values are written as one row, its flags byte then its varints in column
 * order, into a single buffer; {@link #encode} deals the rows' bytes out to the columns. A producer
 * interleaving 1,000 VMs touches one VM's buffer per event, where a buffer per column touched seven
 * lines of memory, each a cache miss: that layout cost 2.6 times the per-event time of 10 VMs
 * (issue #14). The deal copies varints without decoding them, one VM at a time, in cache.
 */
public final class EventBatchBuilder {

  static {
    KnownSchemas.allowGeneratedPackage();
  }

  /** What an event of the synthetic workloads takes on the wire: for sizing buffers. */
  public static final int TYPICAL_BYTES_PER_EVENT = 16;

  /** Longest row: the flags byte and six varints of at most 10 bytes. */
  private static final int MAX_ROW = 1 + 6 * 10;

  /**
   * Avro's single-object encoding of the current EventBatch schema: marker C3 01, then the schema's
   * CRC-64-AVRO, little-endian. {@link EventBatchReader} knows its records by it.
   */
  static final byte[] HEADER =
      ByteBuffer.allocate(10)
          .order(ByteOrder.LITTLE_ENDIAN)
          .put((byte) 0xC3)
          .put((byte) 0x01)
          .putLong(SchemaNormalization.parsingFingerprint64(EventBatch.getClassSchema()))
          .array();

  /** An empty array is its end alone: the item count 0. */
  private static final int EMPTY_ARRAY_BYTES = 1;

  // The columns, in the order of their fields.
  private static final int FLAGS = 0;
  private static final int TS_NS = 1;
  private static final int IOVA = 2;
  private static final int GPA = 3;
  private static final int BYTES = 4;
  private static final int CALL_ID = 5;
  private static final int DEVICE = 6;
  private static final int COLUMNS = 7;

  private byte[] rows;
  private int length;
  private int size;

  // Bytes of each varint column so far, counted as written, so build allocates each column once.
  private int tsNsBytes;
  private int iovaBytes;
  private int gpaBytes;
  private int bytesBytes;
  private int callIdBytes;
  private int deviceBytes;

  // The previous event's values, from which the delta columns are written: 0 before the first.
  private long lastTsNs;
  private long lastIova;
  private long lastCallId;

  /** gpa - iova of the last event with a gpa: the gpa column is the delta of that offset. */
  private long lastGpaOffset;

  private List<String> devices = new ArrayList<>();
  private final Map<String, Integer> deviceIndex = new HashMap<>();

  // Consecutive events mostly name the same device object: the map is consulted only when it
  // changes.
  private String lastDevice;
  private int lastDeviceIndex;

  private List<EventExtra> extras = new ArrayList<>();

  /** An empty builder whose buffer holds {@code bytes} bytes of encoded events before it grows. */
  public EventBatchBuilder(int bytes) {
    rows = new byte[Math.max(MAX_ROW, bytes)];
  }

  /** Events added since the last {@link #build}. */
  public int size() {
    return size;
  }

  /** Bytes the events added since the last {@link #build} take in the builder. */
  public int bytes() {
    return length;
  }

  /** Bytes the builder holds before it grows: what it costs kept empty. */
  public int capacity() {
    return rows.length;
  }

  /** Appends {@code e}'s values (the event is not kept). */
  public void add(TraceEvent e) {
    Long g = e.getGpa();
    add(
        EventFlags.of(e),
        e.getTsNs(),
        e.getIova(),
        g == null ? 0 : g,
        e.getBytes(),
        e.getCallId(),
        e.getDevice(),
        e.getGuestMemoryBytes(),
        Objects.requireNonNull(e.getHost(), "event host"));
  }

  /**
   * Appends one event given as its column values ({@code gpa} read only where {@code flag} has
   * HAS_GPA; {@code host} null or empty for none).
   */
  void add(
      byte flag,
      long ts,
      long iova,
      long gpa,
      long bytes,
      long callId,
      String device,
      long guestMemoryBytes,
      String host) {
    Objects.requireNonNull(device, "event device");
    if (rows.length - length < MAX_ROW) {
      rows = Arrays.copyOf(rows, rows.length * 2);
    }
    byte[] r = rows;
    int p = length;
    r[p++] = flag;
    int n = BinaryData.encodeLong(ts - lastTsNs, r, p);
    tsNsBytes += n;
    p += n;
    lastTsNs = ts;
    n = BinaryData.encodeLong(iova - lastIova, r, p);
    iovaBytes += n;
    p += n;
    lastIova = iova;
    if (EventFlags.hasGpa(flag)) {
      long offset = gpa - iova;
      n = BinaryData.encodeLong(offset - lastGpaOffset, r, p);
      gpaBytes += n;
      p += n;
      lastGpaOffset = offset;
    }
    n = BinaryData.encodeLong(bytes, r, p);
    bytesBytes += n;
    p += n;
    n = BinaryData.encodeLong(callId - lastCallId, r, p);
    callIdBytes += n;
    p += n;
    lastCallId = callId;
    if (device != lastDevice) {
      lastDevice = device;
      lastDeviceIndex = deviceIndex.computeIfAbsent(device, this::newDevice);
    }
    n = BinaryData.encodeLong(lastDeviceIndex, r, p);
    deviceBytes += n;
    p += n;
    length = p;
    if (guestMemoryBytes != 0 || (host != null && !host.isEmpty())) {
      extras.add(new EventExtra(size, guestMemoryBytes, host == null ? "" : host));
    }
    size++;
  }

  private int newDevice(String d) {
    devices.add(d);
    return devices.size() - 1;
  }

  /**
   * The events added since the last build as the value of a trace record: an {@link EventBatch} of
   * version 3 whose first event is event {@code firstIndex} of the VM's stream (-1: not given), in
   * Avro's single-object encoding, the bytes {@link AvroSerde} gives for {@link #build}'s batch.
   * The builder is empty afterwards. Every field's length is known before a byte is written, so
   * each column's varints are dealt from the rows straight into their place in one array of the
   * record's exact size: Avro's writer walked an EventBatch of seven column buffers and copied them
   * into a buffer of its own, then out again, about 15 % of the producer thread (issue #14).
   */
  public byte[] encode(String vm, long seq, long firstIndex) {
    byte[] record = record(vm, seq, firstIndex, new int[COLUMNS]);
    clear();
    return record;
  }

  /**
   * The events added since the last build as a batch of version 3 whose first event is event {@code
   * firstIndex} of the VM's stream (-1: not given); the builder is empty afterwards. The batch owns
   * its buffers and lists: later use of the builder does not change it. Its columns are views of
   * the record {@link #encode} gives, so that there is one encoder of the columns.
   */
  public EventBatch build(String vm, long seq, long firstIndex) {
    int[] at = new int[COLUMNS];
    byte[] record = record(vm, seq, firstIndex, at);
    int[] lengths = {size, tsNsBytes, iovaBytes, gpaBytes, bytesBytes, callIdBytes, deviceBytes};
    ByteBuffer[] columns = new ByteBuffer[COLUMNS];
    for (int c = 0; c < COLUMNS; c++) {
      columns[c] = ByteBuffer.wrap(record, at[c], lengths[c]).slice();
    }
    // The all-fields constructor, not Avro's builder: that one deep-copies defaults through
    // reflection.
    EventBatch batch =
        new EventBatch(
            vm,
            seq,
            List.of(),
            size,
            columns[FLAGS],
            columns[TS_NS],
            columns[IOVA],
            columns[GPA],
            columns[BYTES],
            columns[CALL_ID],
            devices,
            columns[DEVICE],
            extras,
            firstIndex);
    devices = new ArrayList<>();
    extras = new ArrayList<>();
    clear();
    return batch;
  }

  /**
   * The record's bytes: the header, then the fields of EventBatch v3 in schema order as Avro's
   * binary encoding writes them (a string or bytes as its length then its bytes, an array as its
   * item count, the items and a 0, an empty one as the 0 alone); {@code columnsAt} receives where
   * each column's bytes start.
   */
  private byte[] record(String vm, long seq, long firstIndex, int[] columnsAt) {
    byte[] vmUtf8 = vm.getBytes(StandardCharsets.UTF_8);
    byte[][] deviceUtf8 = new byte[devices.size()][];
    int devicesLength = arrayBytes(deviceUtf8.length);
    for (int k = 0; k < deviceUtf8.length; k++) {
      deviceUtf8[k] = devices.get(k).getBytes(StandardCharsets.UTF_8);
      devicesLength += stringBytes(deviceUtf8[k].length);
    }
    byte[][] hostUtf8 = new byte[extras.size()][];
    int extrasLength = arrayBytes(hostUtf8.length);
    for (int k = 0; k < hostUtf8.length; k++) {
      EventExtra x = extras.get(k);
      hostUtf8[k] = x.getHost().getBytes(StandardCharsets.UTF_8);
      extrasLength +=
          varintBytes(x.getIndex())
              + varintBytes(x.getGuestMemoryBytes())
              + stringBytes(hostUtf8[k].length);
    }
    int length =
        HEADER.length
            + stringBytes(vmUtf8.length)
            + varintBytes(seq)
            + EMPTY_ARRAY_BYTES
            + varintBytes(size)
            + stringBytes(size)
            + stringBytes(tsNsBytes)
            + stringBytes(iovaBytes)
            + stringBytes(gpaBytes)
            + stringBytes(bytesBytes)
            + stringBytes(callIdBytes)
            + devicesLength
            + stringBytes(deviceBytes)
            + extrasLength
            + varintBytes(firstIndex);
    byte[] out = new byte[length];
    System.arraycopy(HEADER, 0, out, 0, HEADER.length);
    int p = putBytes(out, HEADER.length, vmUtf8);
    p += BinaryData.encodeLong(seq, out, p);
    out[p++] = 0; // events: version 1's form, empty
    p += BinaryData.encodeInt(size, out, p);
    p = column(out, p, FLAGS, size, columnsAt);
    p = column(out, p, TS_NS, tsNsBytes, columnsAt);
    p = column(out, p, IOVA, iovaBytes, columnsAt);
    p = column(out, p, GPA, gpaBytes, columnsAt);
    p = column(out, p, BYTES, bytesBytes, columnsAt);
    p = column(out, p, CALL_ID, callIdBytes, columnsAt);
    if (deviceUtf8.length > 0) {
      p += BinaryData.encodeInt(deviceUtf8.length, out, p);
      for (byte[] d : deviceUtf8) {
        p = putBytes(out, p, d);
      }
    }
    out[p++] = 0; // end of devices
    p = column(out, p, DEVICE, deviceBytes, columnsAt);
    if (hostUtf8.length > 0) {
      p += BinaryData.encodeInt(hostUtf8.length, out, p);
      for (int k = 0; k < hostUtf8.length; k++) {
        EventExtra x = extras.get(k);
        p += BinaryData.encodeInt(x.getIndex(), out, p);
        p += BinaryData.encodeLong(x.getGuestMemoryBytes(), out, p);
        p = putBytes(out, p, hostUtf8[k]);
      }
    }
    out[p++] = 0; // end of extras
    p += BinaryData.encodeLong(firstIndex, out, p);
    if (p != length) {
      throw new IllegalStateException("encoded " + p + " bytes of a record of " + length);
    }
    deal(out, columnsAt);
    return out;
  }

  /**
   * Writes column {@code c}'s length and leaves room for its bytes; returns where the next field
   * starts.
   */
  private static int column(byte[] out, int p, int c, int bytes, int[] columnsAt) {
    int at = p + BinaryData.encodeInt(bytes, out, p);
    columnsAt[c] = at;
    return at + bytes;
  }

  private static int putBytes(byte[] out, int p, byte[] bytes) {
    int at = p + BinaryData.encodeInt(bytes.length, out, p);
    System.arraycopy(bytes, 0, out, at, bytes.length);
    return at + bytes.length;
  }

  /** Bytes of Avro's varint of {@code v}: 7 bits a byte of its zig-zag form. */
  private static int varintBytes(long v) {
    long zigZag = (v << 1) ^ (v >> 63);
    return (63 - Long.numberOfLeadingZeros(zigZag | 1)) / 7 + 1;
  }

  /** Bytes of a string or bytes field of {@code bytes} bytes, its length included. */
  private static int stringBytes(int bytes) {
    return varintBytes(bytes) + bytes;
  }

  /** Bytes of an array of {@code items} items beyond the items' own: its count and its end. */
  private static int arrayBytes(int items) {
    return items == 0 ? EMPTY_ARRAY_BYTES : varintBytes(items) + EMPTY_ARRAY_BYTES;
  }

  /**
   * Deals the rows out to the columns, starting at {@code columnsAt}: a varint's last byte is the
   * one with bit 7 clear, so it is copied without being decoded.
   */
  private void deal(byte[] out, int[] columnsAt) {
    int f = columnsAt[FLAGS];
    int t = columnsAt[TS_NS];
    int i = columnsAt[IOVA];
    int g = columnsAt[GPA];
    int b = columnsAt[BYTES];
    int c = columnsAt[CALL_ID];
    int d = columnsAt[DEVICE];
    byte[] r = rows;
    int p = 0;
    byte x;
    for (int k = 0; k < size; k++) {
      byte flag = r[p++];
      out[f++] = flag;
      do {
        x = r[p++];
        out[t++] = x;
      } while (x < 0);
      do {
        x = r[p++];
        out[i++] = x;
      } while (x < 0);
      if (EventFlags.hasGpa(flag)) {
        do {
          x = r[p++];
          out[g++] = x;
        } while (x < 0);
      }
      do {
        x = r[p++];
        out[b++] = x;
      } while (x < 0);
      do {
        x = r[p++];
        out[c++] = x;
      } while (x < 0);
      do {
        x = r[p++];
        out[d++] = x;
      } while (x < 0);
    }
  }

  /** Drops the events added since the last build. */
  public void clear() {
    length = 0;
    size = 0;
    tsNsBytes = 0;
    iovaBytes = 0;
    gpaBytes = 0;
    bytesBytes = 0;
    callIdBytes = 0;
    deviceBytes = 0;
    lastTsNs = 0;
    lastIova = 0;
    lastCallId = 0;
    lastGpaOffset = 0;
    devices.clear();
    deviceIndex.clear();
    lastDevice = null;
    lastDeviceIndex = 0;
    extras.clear();
  }
}
