package io.coiommu.schema;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.io.BinaryData;

/**
 * Encodes one VM's events into an {@link EventBatch} of version 3 as they arrive (see
 * EventBatch.avsc for the encoding, field by field): a pending event costs its encoded bytes (about
 * 15), not a slot in nine primitive columns encoded again at the end. This is the project's only
 * writer of the columns: {@link EventColumns#toBatch} feeds its events through one. {@link #build}
 * hands out the batch and empties the builder, whose buffer stays grown for the next batch.
 *
 * <p>Each event's column values are written as one row, its flags byte then its varints in column
 * order, into a single buffer; {@link #build} deals the rows' bytes out to the columns. A producer
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
   * The events added since the last build as a batch of version 3 whose first event is event {@code
   * firstIndex} of the VM's stream (-1: not given); the builder is empty afterwards. The batch owns
   * its buffers and lists: later use of the builder does not change it.
   */
  public EventBatch build(String vm, long seq, long firstIndex) {
    byte[] flags = new byte[size];
    byte[] tsNs = new byte[tsNsBytes];
    byte[] iova = new byte[iovaBytes];
    byte[] gpa = new byte[gpaBytes];
    byte[] bytes = new byte[bytesBytes];
    byte[] callId = new byte[callIdBytes];
    byte[] device = new byte[deviceBytes];
    int[] at = new int[6];
    byte[] r = rows;
    int p = 0;
    for (int i = 0; i < size; i++) {
      byte f = r[p++];
      flags[i] = f;
      p = copyVarint(r, p, tsNs, at, 0);
      p = copyVarint(r, p, iova, at, 1);
      if (EventFlags.hasGpa(f)) {
        p = copyVarint(r, p, gpa, at, 2);
      }
      p = copyVarint(r, p, bytes, at, 3);
      p = copyVarint(r, p, callId, at, 4);
      p = copyVarint(r, p, device, at, 5);
    }
    // The all-fields constructor, not Avro's builder: that one deep-copies defaults through
    // reflection.
    EventBatch batch =
        new EventBatch(
            vm,
            seq,
            List.of(),
            size,
            ByteBuffer.wrap(flags),
            ByteBuffer.wrap(tsNs),
            ByteBuffer.wrap(iova),
            ByteBuffer.wrap(gpa),
            ByteBuffer.wrap(bytes),
            ByteBuffer.wrap(callId),
            devices,
            ByteBuffer.wrap(device),
            extras,
            firstIndex);
    devices = new ArrayList<>();
    extras = new ArrayList<>();
    clear();
    return batch;
  }

  /**
   * Copies the varint at {@code p} of the rows to {@code column} at {@code at[c]} (a varint's last
   * byte is the one with bit 7 clear); returns where the next one starts.
   */
  private static int copyVarint(byte[] r, int p, byte[] column, int[] at, int c) {
    int o = at[c];
    byte b;
    do {
      b = r[p++];
      column[o++] = b;
    } while (b < 0);
    at[c] = o;
    return p;
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
