package io.coiommu.schema;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.io.BinaryData;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Events of one VM as primitive columns: what an {@link EventBatch} carries on the wire, decoded
 * without an object per event. It is also a growable buffer (append, insert, drop a prefix), so a
 * consumer can hold events back in columns.
 *
 * <p>{@link #of} decodes either batch version and validates every column; {@link #toBatch} encodes
 * version 2 (the encoding is documented field by field in EventBatch.avsc). {@link #event} fills a
 * caller's reused TraceEvent, whose device and host strings are the batch's own: the consumer that
 * keeps an event must copy it.
 */
public final class EventColumns {

  private static final EventType[] TYPES = EventType.values();
  private static final DmaDirection[] DIRECTIONS = DmaDirection.values();
  private static final int TYPE_MASK = 0x0f;
  private static final int DIRECTION_SHIFT = 4;
  private static final int DIRECTION_MASK = 0x03;
  private static final int HAS_GPA = 0x40;
  private static final int UNUSED_BITS = 0x80;

  /** Longest Avro varint of a long. */
  private static final int MAX_VARINT = 10;

  static {
    KnownSchemas.allowGeneratedPackage();
    if (TYPES.length > TYPE_MASK + 1 || DIRECTIONS.length > DIRECTION_MASK + 1) {
      throw new ExceptionInInitializerError(
          "EventType or DmaDirection outgrew its bits in EventBatch.flags");
    }
  }

  private final String vm;
  private final long seq;
  private final long firstIndex;
  private int size;

  /** EventBatch.flags, as on the wire. */
  private byte[] flags;

  private long[] tsNs;
  private long[] iova;

  /** Meaningful where flags has HAS_GPA. */
  private long[] gpa;

  private long[] bytes;
  private long[] callId;

  /** Strings of the batch's device dictionary: entries share the dictionary's objects. */
  private String[] device;

  private long[] guestMemoryBytes;

  /** Null stands for the default, the empty string. */
  private String[] host;

  /** Encoding scratch, kept so that a buffer encoded batch after batch allocates it once. */
  private Varints varints;

  /** An empty buffer, not tied to a batch. */
  public EventColumns() {
    this(null, -1, -1, 16);
  }

  private EventColumns(String vm, long seq, long firstIndex, int capacity) {
    this.vm = vm;
    this.seq = seq;
    this.firstIndex = firstIndex;
    allocate(Math.max(capacity, 1));
  }

  private void allocate(int capacity) {
    flags = new byte[capacity];
    tsNs = new long[capacity];
    iova = new long[capacity];
    gpa = new long[capacity];
    bytes = new long[capacity];
    callId = new long[capacity];
    device = new String[capacity];
    guestMemoryBytes = new long[capacity];
    host = new String[capacity];
  }

  /** VM of the batch these columns were decoded from; null for a buffer. */
  public String vm() {
    return vm;
  }

  /** Sequence number of the batch these columns were decoded from; -1 for a buffer. */
  public long seq() {
    return seq;
  }

  /**
   * Index of the first event in its VM's stream, as the batch says; -1 for a buffer and a batch of
   * version 1 or 2.
   */
  public long firstIndex() {
    return firstIndex;
  }

  public int size() {
    return size;
  }

  public long tsNs(int i) {
    return tsNs[check(i)];
  }

  public EventType type(int i) {
    return TYPES[flags[check(i)] & TYPE_MASK];
  }

  private int check(int i) {
    Objects.checkIndex(i, size);
    return i;
  }

  /**
   * Event {@code i}, written into {@code reuse} (or a new event when it is null) and returned. The
   * gpa is boxed only when it differs from the one {@code reuse} holds.
   */
  public TraceEvent event(int i, TraceEvent reuse) {
    check(i);
    TraceEvent e = reuse == null ? new TraceEvent() : reuse;
    int f = flags[i];
    e.setType(TYPES[f & TYPE_MASK]);
    e.setTsNs(tsNs[i]);
    e.setDevice(device[i]);
    e.setIova(iova[i]);
    if ((f & HAS_GPA) == 0) {
      e.setGpa(null);
    } else {
      Long held = e.getGpa();
      if (held == null || held != gpa[i]) {
        e.setGpa(gpa[i]);
      }
    }
    e.setBytes(bytes[i]);
    e.setDirection(DIRECTIONS[(f >>> DIRECTION_SHIFT) & DIRECTION_MASK]);
    e.setCallId(callId[i]);
    e.setGuestMemoryBytes(guestMemoryBytes[i]);
    e.setHost(host[i] == null ? "" : host[i]);
    return e;
  }

  /** Every event as a new TraceEvent: for cold paths and tests, not for a consumer's loop. */
  public List<TraceEvent> events() {
    List<TraceEvent> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(event(i, null));
    }
    return out;
  }

  /** Appends {@code e} (its values are copied; its strings are shared). */
  public void add(TraceEvent e) {
    grow(size + 1);
    set(size++, e);
  }

  private void set(int i, TraceEvent e) {
    Long g = e.getGpa();
    String h = Objects.requireNonNull(e.getHost(), "event host");
    flags[i] =
        (byte)
            (Objects.requireNonNull(e.getType(), "event type").ordinal()
                | Objects.requireNonNull(e.getDirection(), "event direction").ordinal()
                    << DIRECTION_SHIFT
                | (g == null ? 0 : HAS_GPA));
    tsNs[i] = e.getTsNs();
    iova[i] = e.getIova();
    gpa[i] = g == null ? 0 : g;
    bytes[i] = e.getBytes();
    callId[i] = e.getCallId();
    device[i] = Objects.requireNonNull(e.getDevice(), "event device");
    guestMemoryBytes[i] = e.getGuestMemoryBytes();
    host[i] = h.isEmpty() ? null : h;
  }

  /** Appends event {@code i} of {@code from}. */
  public void add(EventColumns from, int i) {
    insert(size, from, i);
  }

  /**
   * Inserts event {@code i} of {@code from} before event {@code at} (the rare out-of-order
   * arrival).
   */
  public void insert(int at, EventColumns from, int i) {
    from.check(i);
    Objects.checkIndex(at, size + 1);
    grow(size + 1);
    int tail = size - at;
    if (tail > 0) {
      System.arraycopy(flags, at, flags, at + 1, tail);
      System.arraycopy(tsNs, at, tsNs, at + 1, tail);
      System.arraycopy(iova, at, iova, at + 1, tail);
      System.arraycopy(gpa, at, gpa, at + 1, tail);
      System.arraycopy(bytes, at, bytes, at + 1, tail);
      System.arraycopy(callId, at, callId, at + 1, tail);
      System.arraycopy(device, at, device, at + 1, tail);
      System.arraycopy(guestMemoryBytes, at, guestMemoryBytes, at + 1, tail);
      System.arraycopy(host, at, host, at + 1, tail);
    }
    flags[at] = from.flags[i];
    tsNs[at] = from.tsNs[i];
    iova[at] = from.iova[i];
    gpa[at] = from.gpa[i];
    bytes[at] = from.bytes[i];
    callId[at] = from.callId[i];
    device[at] = from.device[i];
    guestMemoryBytes[at] = from.guestMemoryBytes[i];
    host[at] = from.host[i];
    size++;
  }

  /** Drops the first {@code n} events. */
  public void removeFirst(int n) {
    Objects.checkFromToIndex(0, n, size);
    int rest = size - n;
    System.arraycopy(flags, n, flags, 0, rest);
    System.arraycopy(tsNs, n, tsNs, 0, rest);
    System.arraycopy(iova, n, iova, 0, rest);
    System.arraycopy(gpa, n, gpa, 0, rest);
    System.arraycopy(bytes, n, bytes, 0, rest);
    System.arraycopy(callId, n, callId, 0, rest);
    System.arraycopy(device, n, device, 0, rest);
    System.arraycopy(guestMemoryBytes, n, guestMemoryBytes, 0, rest);
    System.arraycopy(host, n, host, 0, rest);
    // Strings past the end would keep a released batch's dictionary alive.
    Arrays.fill(device, rest, size, null);
    Arrays.fill(host, rest, size, null);
    size = rest;
  }

  public void clear() {
    removeFirst(size);
  }

  private void grow(int needed) {
    if (needed <= flags.length) {
      return;
    }
    int capacity = Math.max(needed, flags.length * 2);
    flags = Arrays.copyOf(flags, capacity);
    tsNs = Arrays.copyOf(tsNs, capacity);
    iova = Arrays.copyOf(iova, capacity);
    gpa = Arrays.copyOf(gpa, capacity);
    bytes = Arrays.copyOf(bytes, capacity);
    callId = Arrays.copyOf(callId, capacity);
    device = Arrays.copyOf(device, capacity);
    guestMemoryBytes = Arrays.copyOf(guestMemoryBytes, capacity);
    host = Arrays.copyOf(host, capacity);
  }

  /** The events as an EventBatch whose position in the VM's stream is not given (firstIndex -1). */
  public EventBatch toBatch(String vm, long seq) {
    return toBatch(vm, seq, -1);
  }

  /** The events as an EventBatch of version 3 (see EventBatch.avsc for the encoding). */
  public EventBatch toBatch(String vm, long seq, long firstIndex) {
    if (varints == null || varints.capacity() < size) {
      varints = new Varints(Math.max(size, flags.length));
    }
    Varints out = varints;
    ByteBuffer tsColumn = out.deltas(tsNs, size);
    ByteBuffer iovaColumn = out.deltas(iova, size);
    long offset = 0;
    for (int i = 0; i < size; i++) {
      if ((flags[i] & HAS_GPA) != 0) {
        out.put(gpa[i] - iova[i] - offset);
        offset = gpa[i] - iova[i];
      }
    }
    ByteBuffer gpaColumn = out.take();
    for (int i = 0; i < size; i++) {
      out.put(bytes[i]);
    }
    ByteBuffer bytesColumn = out.take();
    ByteBuffer callColumn = out.deltas(callId, size);
    List<String> devices = new ArrayList<>();
    Map<String, Integer> deviceIndex = new HashMap<>();
    String last = null;
    int lastIndex = -1;
    for (int i = 0; i < size; i++) {
      // Consecutive events mostly name the same device object: the map is consulted only when it
      // changes.
      if (device[i] != last) {
        last = device[i];
        lastIndex =
            deviceIndex.computeIfAbsent(
                last,
                d -> {
                  devices.add(d);
                  return devices.size() - 1;
                });
      }
      out.put(lastIndex);
    }
    ByteBuffer deviceColumn = out.take();
    List<EventExtra> extras = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      if (guestMemoryBytes[i] != 0 || host[i] != null) {
        extras.add(new EventExtra(i, guestMemoryBytes[i], host[i] == null ? "" : host[i]));
      }
    }
    // The all-fields constructor, not the builder: the builder deep-copies defaults through Avro's
    // reflection.
    return new EventBatch(
        vm,
        seq,
        List.of(),
        size,
        ByteBuffer.wrap(Arrays.copyOf(flags, size)),
        tsColumn,
        iovaColumn,
        gpaColumn,
        bytesColumn,
        callColumn,
        devices,
        deviceColumn,
        extras,
        firstIndex);
  }

  /** Encodes {@code events} as one EventBatch of version 2. */
  public static EventBatch encode(String vm, long seq, List<TraceEvent> events) {
    return encode(vm, seq, -1, events);
  }

  /**
   * Encodes {@code events} as one EventBatch whose first event is event {@code firstIndex} of the
   * VM's stream.
   */
  public static EventBatch encode(String vm, long seq, long firstIndex, List<TraceEvent> events) {
    EventColumns c = new EventColumns(null, -1, -1, events.size());
    events.forEach(c::add);
    return c.toBatch(vm, seq, firstIndex);
  }

  /**
   * Decodes a batch of either version.
   *
   * @throws InvalidBatchException naming the field and the event when a column does not decode
   */
  public static EventColumns of(EventBatch batch) {
    List<TraceEvent> events = batch.getEvents();
    int count = batch.getCount();
    if (!events.isEmpty()) {
      if (count != 0) {
        throw new InvalidBatchException(
            batch,
            "count",
            -1,
            count
                + " column events beside "
                + events.size()
                + " version-1 events: a batch carries one form only");
      }
      EventColumns c =
          new EventColumns(batch.getVm(), batch.getSeq(), batch.getFirstIndex(), events.size());
      events.forEach(c::add);
      return c;
    }
    if (count < 0) {
      throw new InvalidBatchException(batch, "count", -1, "negative count " + count);
    }
    // Checked before anything is allocated: a corrupt count must not ask for gigabytes.
    if (batch.getFlags().remaining() != count) {
      throw new InvalidBatchException(
          batch, "flags", -1, batch.getFlags().remaining() + " bytes for " + count + " events");
    }
    EventColumns c = new EventColumns(batch.getVm(), batch.getSeq(), batch.getFirstIndex(), count);
    c.size = count;
    int withGpa = c.readFlags(batch);
    Column in = new Column(batch);
    in.deltas("tsNs", batch.getTsNs(), c.tsNs, count);
    in.deltas("iova", batch.getIova(), c.iova, count);
    in.open("gpa", batch.getGpa());
    long offset = 0;
    for (int i = 0, seen = 0; i < count && seen < withGpa; i++) {
      if ((c.flags[i] & HAS_GPA) != 0) {
        offset += in.next(i);
        c.gpa[i] = c.iova[i] + offset;
        seen++;
      }
    }
    in.close(count);
    in.open("bytes", batch.getBytes());
    for (int i = 0; i < count; i++) {
      c.bytes[i] = in.next(i);
    }
    in.close(count);
    in.deltas("callId", batch.getCallId(), c.callId, count);
    String[] devices = batch.getDevices().toArray(new String[0]);
    in.open("device", batch.getDevice());
    for (int i = 0; i < count; i++) {
      long d = in.next(i);
      if (d < 0 || d >= devices.length) {
        throw new InvalidBatchException(
            batch,
            "device",
            i,
            "index " + d + " outside the " + devices.length + " devices of the dictionary");
      }
      c.device[i] = devices[(int) d];
    }
    in.close(count);
    int previous = -1;
    for (EventExtra x : batch.getExtras()) {
      if (x.getIndex() <= previous || x.getIndex() >= count) {
        throw new InvalidBatchException(
            batch,
            "extras",
            x.getIndex(),
            "index not in "
                + (previous + 1)
                + ".."
                + (count - 1)
                + " (indexes must increase and stay below count)");
      }
      previous = x.getIndex();
      c.guestMemoryBytes[previous] = x.getGuestMemoryBytes();
      c.host[previous] = x.getHost().isEmpty() ? null : x.getHost();
    }
    return c;
  }

  /** Copies and checks the flags column; returns how many events have a gpa. */
  private int readFlags(EventBatch batch) {
    batch.getFlags().duplicate().get(flags, 0, size);
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

  /**
   * Writes a column's varints into one scratch array and hands each column out as its own buffer.
   */
  private static final class Varints {
    private final byte[] scratch;
    private int length;

    Varints(int events) {
      scratch = new byte[Math.max(1, events) * MAX_VARINT];
    }

    int capacity() {
      return scratch.length / MAX_VARINT;
    }

    void put(long v) {
      length += BinaryData.encodeLong(v, scratch, length);
    }

    /** Each value as its delta from the previous one, the first from 0. */
    ByteBuffer deltas(long[] values, int count) {
      long prev = 0;
      for (int i = 0; i < count; i++) {
        put(values[i] - prev);
        prev = values[i];
      }
      return take();
    }

    ByteBuffer take() {
      ByteBuffer b = ByteBuffer.wrap(Arrays.copyOf(scratch, length));
      length = 0;
      return b;
    }
  }

  /**
   * Reads one varint column with Avro's decoder, turning its failures into errors that name field
   * and event.
   */
  private static final class Column {
    private final EventBatch batch;
    private BinaryDecoder decoder;
    private String field;

    Column(EventBatch batch) {
      this.batch = batch;
    }

    void open(String name, ByteBuffer column) {
      field = name;
      byte[] array;
      int offset;
      if (column.hasArray()) {
        array = column.array();
        offset = column.arrayOffset() + column.position();
      } else {
        array = new byte[column.remaining()];
        column.duplicate().get(array);
        offset = 0;
      }
      decoder = DecoderFactory.get().binaryDecoder(array, offset, column.remaining(), decoder);
    }

    /** Reads a column of deltas into {@code into} as running sums. */
    void deltas(String name, ByteBuffer column, long[] into, int count) {
      open(name, column);
      long prev = 0;
      for (int i = 0; i < count; i++) {
        prev += next(i);
        into[i] = prev;
      }
      close(count);
    }

    long next(int event) {
      try {
        return decoder.readLong();
      } catch (EOFException e) {
        throw new InvalidBatchException(
            batch, field, event, "column ends inside or before this event's varint");
      } catch (IOException e) {
        throw new InvalidBatchException(batch, field, event, "bad varint: " + e.getMessage());
      }
    }

    void close(int count) {
      try {
        if (!decoder.isEnd()) {
          throw new InvalidBatchException(
              batch, field, count, "bytes left after the last event's varint");
        }
      } catch (IOException e) {
        throw new InvalidBatchException(batch, field, count, e.getMessage());
      }
    }
  }
}
