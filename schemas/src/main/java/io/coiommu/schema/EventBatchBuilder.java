package io.coiommu.schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Encodes one VM's events into an {@link EventBatch} of version 3 as they arrive, each column's
 * varint written once into a buffer of its own (see EventBatch.avsc for the encoding, field by
 * field): a pending event costs its encoded bytes (about 15), not a slot in nine primitive columns
 * encoded again at the end. This is the project's only writer of the columns: {@link
 * EventColumns#toBatch} feeds its events through one. {@link #build} hands out the batch and
 * empties the builder, whose buffers stay grown for the next batch.
 */
public final class EventBatchBuilder {

  static {
    KnownSchemas.allowGeneratedPackage();
  }

  /** Varint bytes per event a fresh builder reserves per column before it grows. */
  private static final int INITIAL_BYTES_PER_EVENT = 2;

  private final VarintWriter flags;
  private final VarintWriter tsNs;
  private final VarintWriter iova;
  private final VarintWriter gpa;
  private final VarintWriter bytes;
  private final VarintWriter callId;
  private final VarintWriter device;

  private int size;

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

  /** An empty builder whose buffers hold about {@code events} events before they grow. */
  public EventBatchBuilder(int events) {
    int n = Math.max(1, events);
    flags = new VarintWriter(n);
    tsNs = new VarintWriter(n * INITIAL_BYTES_PER_EVENT);
    iova = new VarintWriter(n * INITIAL_BYTES_PER_EVENT);
    gpa = new VarintWriter(n * INITIAL_BYTES_PER_EVENT);
    bytes = new VarintWriter(n * INITIAL_BYTES_PER_EVENT);
    callId = new VarintWriter(n);
    device = new VarintWriter(n);
  }

  /** Events added since the last {@link #build}. */
  public int size() {
    return size;
  }

  /**
   * Events the builder holds before its flags column (one byte per event) grows: the measure by
   * which a pool of builders bounds what its spares keep.
   */
  public int capacity() {
    return flags.capacity();
  }

  /** Appends {@code e}'s values (the event is not kept). */
  public void add(TraceEvent e) {
    Long g = e.getGpa();
    add(
        EventFlags.of(
            Objects.requireNonNull(e.getType(), "event type"),
            Objects.requireNonNull(e.getDirection(), "event direction"),
            g != null),
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
      long iovaValue,
      long gpaValue,
      long bytesValue,
      long call,
      String deviceName,
      long guestMemoryBytes,
      String host) {
    Objects.requireNonNull(deviceName, "event device");
    flags.putByte(flag);
    tsNs.put(ts - lastTsNs);
    lastTsNs = ts;
    iova.put(iovaValue - lastIova);
    lastIova = iovaValue;
    if (EventFlags.hasGpa(flag)) {
      long offset = gpaValue - iovaValue;
      gpa.put(offset - lastGpaOffset);
      lastGpaOffset = offset;
    }
    bytes.put(bytesValue);
    callId.put(call - lastCallId);
    lastCallId = call;
    if (deviceName != lastDevice) {
      lastDevice = deviceName;
      lastDeviceIndex = deviceIndex.computeIfAbsent(deviceName, this::newDevice);
    }
    device.put(lastDeviceIndex);
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
    // The all-fields constructor, not Avro's builder: that one deep-copies defaults through
    // reflection.
    EventBatch batch =
        new EventBatch(
            vm,
            seq,
            List.of(),
            size,
            flags.take(),
            tsNs.take(),
            iova.take(),
            gpa.take(),
            bytes.take(),
            callId.take(),
            devices,
            device.take(),
            extras,
            firstIndex);
    devices = new ArrayList<>();
    extras = new ArrayList<>();
    reset();
    return batch;
  }

  /** Drops the events added since the last build. */
  public void clear() {
    flags.clear();
    tsNs.clear();
    iova.clear();
    gpa.clear();
    bytes.clear();
    callId.clear();
    device.clear();
    devices.clear();
    extras.clear();
    reset();
  }

  private void reset() {
    size = 0;
    lastTsNs = 0;
    lastIova = 0;
    lastCallId = 0;
    lastGpaOffset = 0;
    deviceIndex.clear();
    lastDevice = null;
    lastDeviceIndex = 0;
  }
}
