package io.coiommu.schema;

import io.coiommu.schema.LongColumn.Coding;
import io.coiommu.schema.VarintReader.ByteField;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Events of one VM as primitive columns: what an {@link EventBatch} carries on the wire, decoded
 * without an object per event. It is also a growable buffer (append, insert, drop a prefix), so a
 * consumer can hold events back in columns.
 *
 * <p>{@link #of} decodes either batch version and validates every column; {@link #toBatch} encodes
 * version 3 through {@link EventBatchBuilder} (the encoding is documented field by field in
 * EventBatch.avsc). {@link #event} fills a caller's reused TraceEvent, whose device and host
 * strings are the batch's own: the consumer that keeps an event must copy it.
 *
 * <p>Recycling: a consumer that knows a decoded batch is no longer referenced (nothing keeps it,
 * its arrays or a view of it) may {@link #recycle} it, and the next record its thread decodes
 * through {@link EventColumnsSerde} fills the same arrays instead of fresh ones: allocating the
 * columns of every record (57 B an event, up to 4096 events a record) and writing them cold was
 * 13.5 % of a stream thread's samples on the 1,000-VM fleet (issue #14). A consumer that never
 * recycles gets fresh columns for every record, as before.
 */
public final class EventColumns {

  static {
    KnownSchemas.allowGeneratedPackage();
  }

  // Not final: a spare's batch identity is set by each decode that reuses it, and its columns move
  // to a new spare when it is recycled (see recycle).
  private String vm;
  private long seq;
  private long firstIndex;
  private int size;
  private int capacity;

  /**
   * Every column, declared below: they grow, shift and copy together (the order is not used). Null
   * once the batch is recycled: its columns belong to another batch then.
   */
  private List<EventColumn> all;

  /** EventBatch.flags, as on the wire. */
  private ByteColumn flags;

  private LongColumn tsNs;
  private LongColumn iova;

  /**
   * Meaningful where flags has HAS_GPA, 0 elsewhere; on the wire as deltas of gpa - iova
   * (EventBatchBuilder).
   */
  private LongColumn gpa;

  private LongColumn bytes;
  private LongColumn callId;

  /** Strings of the batch's device dictionary: entries share the dictionary's objects. */
  private StringColumn device;

  /** On the wire in EventBatch.extras, with host. */
  private LongColumn guestMemoryBytes;

  /** Null stands for the default, the empty string. */
  private StringColumn host;

  /**
   * Whether guestMemoryBytes or host may hold something other than their defaults (0, null)
   * anywhere in the arrays: a decode sets only the events the extras name, so the columns a spare
   * hands on must hold the defaults everywhere.
   */
  private boolean rareFieldsWritten;

  /** Where {@link #recycle} hands the columns; null when nobody reuses them. */
  private ColumnSpares spares;

  /** Kept so that a buffer encoded batch after batch grows its encoder's buffer once. */
  private EventBatchBuilder encoder;

  /** An empty buffer, not tied to a batch. */
  public EventColumns() {
    this(16);
  }

  /** An empty buffer, not tied to a batch, for {@code capacity} events before it grows. */
  public EventColumns(int capacity) {
    this(null, -1, -1, capacity);
  }

  private EventColumns(String vm, long seq, long firstIndex, int capacity) {
    this.vm = vm;
    this.seq = seq;
    this.firstIndex = firstIndex;
    all = new ArrayList<>();
    // Each column made at its size once: a decoded batch's columns never grow.
    int n = Math.max(capacity, 1);
    flags = column(new ByteColumn(n));
    tsNs = column(new LongColumn(n, ByteField.TS_NS, Coding.DELTAS));
    iova = column(new LongColumn(n, ByteField.IOVA, Coding.DELTAS));
    gpa = column(new LongColumn(n));
    bytes = column(new LongColumn(n, ByteField.BYTES, Coding.VALUES));
    callId = column(new LongColumn(n, ByteField.CALL_ID, Coding.DELTAS));
    device = column(new StringColumn(n));
    guestMemoryBytes = column(new LongColumn(n));
    host = column(new StringColumn(n));
    this.capacity = n;
  }

  /** A spare taking over the columns of {@code batch}, which the caller then releases. */
  private EventColumns(EventColumns batch) {
    this.vm = null;
    this.seq = -1;
    this.firstIndex = -1;
    all = batch.all;
    flags = batch.flags;
    tsNs = batch.tsNs;
    iova = batch.iova;
    gpa = batch.gpa;
    bytes = batch.bytes;
    callId = batch.callId;
    device = batch.device;
    guestMemoryBytes = batch.guestMemoryBytes;
    host = batch.host;
    capacity = batch.capacity;
    encoder = batch.encoder;
    spares = batch.spares;
  }

  private <C extends EventColumn> C column(C c) {
    all.add(c);
    return c;
  }

  private void resize(int newCapacity) {
    for (EventColumn c : all) {
      c.resize(newCapacity);
    }
    capacity = newCapacity;
  }

  /** VM of the batch these columns were decoded from; null for a buffer. */
  public String vm() {
    live();
    return vm;
  }

  /** Sequence number of the batch these columns were decoded from; -1 for a buffer. */
  public long seq() {
    live();
    return seq;
  }

  /**
   * Index of the first event in its VM's stream, as the batch says; -1 for a buffer and a batch of
   * version 1 or 2.
   */
  public long firstIndex() {
    live();
    return firstIndex;
  }

  public int size() {
    live();
    return size;
  }

  /** Events the columns hold before they must grow. */
  public int capacity() {
    live();
    return capacity;
  }

  /**
   * Fails on a recycled batch. Its events fail anyway (its columns are gone), but its size and
   * identity would still answer: a loop over a batch used after its recycling would quietly see no
   * events.
   */
  private void live() {
    if (all == null) {
      throw new IllegalStateException("batch used after it was recycled");
    }
  }

  /**
   * Declares that nothing references this batch any more, nor its arrays, nor a view of it (its
   * strings may be kept: they are immutable). The next record this thread decodes through {@link
   * EventColumnsSerde} may then fill this batch's arrays, under a new EventColumns object: this one
   * is left empty, and any later use of it, a second recycle included, fails, so a batch cannot be
   * seen again through an old reference. The columns of a batch recycled on another thread than the
   * one that decoded it, decoded by Avro, or of a buffer, are not reused: recycling them only
   * releases them.
   */
  public void recycle() {
    live();
    if (spares != null && spares.accepts()) {
      if (rareFieldsWritten) {
        Arrays.fill(guestMemoryBytes.values, 0L);
        Arrays.fill(host.values, null);
      }
      spares.put(new EventColumns(this));
    }
    all = null;
    flags = null;
    tsNs = null;
    iova = null;
    gpa = null;
    bytes = null;
    callId = null;
    device = null;
    guestMemoryBytes = null;
    host = null;
    encoder = null;
    spares = null;
    size = 0;
    capacity = 0;
  }

  public long tsNs(int i) {
    return tsNs.values[check(i)];
  }

  public EventType type(int i) {
    return EventFlags.type(flags.values[check(i)]);
  }

  /** Whether event {@code i} carries a gpa; {@link #gpa} is meaningful only where it does. */
  public boolean hasGpa(int i) {
    return EventFlags.hasGpa(flags.values[check(i)]);
  }

  /** Event {@code i}'s gpa where {@link #hasGpa} says it has one, 0 otherwise. */
  public long gpa(int i) {
    return gpa.values[check(i)];
  }

  public long iova(int i) {
    return iova.values[check(i)];
  }

  public long bytes(int i) {
    return bytes.values[check(i)];
  }

  public long callId(int i) {
    return callId.values[check(i)];
  }

  /** The batch's own string (shared with its other events), never null. */
  public String device(int i) {
    return device.values[check(i)];
  }

  public DmaDirection direction(int i) {
    return EventFlags.direction(flags.values[check(i)]);
  }

  public long guestMemoryBytes(int i) {
    return guestMemoryBytes.values[check(i)];
  }

  /** Event {@code i}'s host, "" when it names none (as TraceEvent's default). */
  public String host(int i) {
    String h = host.values[check(i)];
    return h == null ? "" : h;
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
    int f = flags.values[i];
    e.setType(EventFlags.type(f));
    e.setTsNs(tsNs.values[i]);
    e.setDevice(device.values[i]);
    e.setIova(iova.values[i]);
    if (!EventFlags.hasGpa(f)) {
      e.setGpa(null);
    } else {
      long g = gpa.values[i];
      Long held = e.getGpa();
      if (held == null || held != g) {
        e.setGpa(g);
      }
    }
    e.setBytes(bytes.values[i]);
    e.setDirection(EventFlags.direction(f));
    e.setCallId(callId.values[i]);
    e.setGuestMemoryBytes(guestMemoryBytes.values[i]);
    String h = host.values[i];
    e.setHost(h == null ? "" : h);
    return e;
  }

  /** Every event as a new TraceEvent: for cold paths and tests, not for a consumer's loop. */
  public List<TraceEvent> events() {
    live();
    List<TraceEvent> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(event(i, null));
    }
    return out;
  }

  /** Appends {@code e} (its values are copied; its strings are shared). */
  public void add(TraceEvent e) {
    grow(size + 1);
    rareFieldsWritten = true;
    set(size++, e);
  }

  private void set(int i, TraceEvent e) {
    Long g = e.getGpa();
    String h = Objects.requireNonNull(e.getHost(), "event host");
    flags.values[i] = EventFlags.of(e);
    tsNs.values[i] = e.getTsNs();
    iova.values[i] = e.getIova();
    gpa.values[i] = g == null ? 0 : g;
    bytes.values[i] = e.getBytes();
    callId.values[i] = e.getCallId();
    device.values[i] = Objects.requireNonNull(e.getDevice(), "event device");
    guestMemoryBytes.values[i] = e.getGuestMemoryBytes();
    host.values[i] = h.isEmpty() ? null : h;
  }

  /** Appends event {@code i} of {@code from}. */
  public void add(EventColumns from, int i) {
    insert(size, from, i);
  }

  /**
   * Appends events {@code [i, end)} of {@code from}: one copy per column for a run of events, where
   * {@link #add(EventColumns, int)} pays a call per event and column.
   */
  public void addRange(EventColumns from, int i, int end) {
    Objects.checkFromToIndex(i, end, from.size);
    int n = end - i;
    grow(size + n);
    rareFieldsWritten = true;
    for (int c = 0; c < all.size(); c++) {
      all.get(c).copyRange(from.all.get(c), i, size, n);
    }
    size += n;
  }

  /**
   * Inserts event {@code i} of {@code from} before event {@code at} (the rare out-of-order
   * arrival).
   */
  public void insert(int at, EventColumns from, int i) {
    from.check(i);
    Objects.checkIndex(at, size + 1);
    grow(size + 1);
    rareFieldsWritten = true;
    int tail = size - at;
    for (int c = 0; c < all.size(); c++) {
      EventColumn column = all.get(c);
      if (tail > 0) {
        column.shift(at, at + 1, tail);
      }
      column.copy(from.all.get(c), i, at);
    }
    size++;
  }

  /** Drops the first {@code n} events. */
  public void removeFirst(int n) {
    Objects.checkFromToIndex(0, n, size);
    int rest = size - n;
    for (EventColumn c : all) {
      c.shift(n, 0, rest);
      c.forget(rest, size);
    }
    size = rest;
  }

  public void clear() {
    removeFirst(size);
  }

  private void grow(int needed) {
    if (needed > capacity) {
      resize(Math.max(needed, capacity * 2));
    }
  }

  /** The events as an EventBatch whose position in the VM's stream is not given (firstIndex -1). */
  public EventBatch toBatch(String vm, long seq) {
    return toBatch(vm, seq, -1);
  }

  /**
   * The events as an EventBatch of version 3 (see EventBatch.avsc for the encoding), written by the
   * one encoder of the columns, {@link EventBatchBuilder}.
   */
  public EventBatch toBatch(String vm, long seq, long firstIndex) {
    live();
    if (encoder == null) {
      encoder = new EventBatchBuilder(size * EventBatchBuilder.TYPICAL_BYTES_PER_EVENT);
    }
    EventBatchBuilder out = encoder;
    for (int i = 0; i < size; i++) {
      out.add(
          flags.values[i],
          tsNs.values[i],
          iova.values[i],
          gpa.values[i],
          bytes.values[i],
          callId.values[i],
          device.values[i],
          guestMemoryBytes.values[i],
          host.values[i]);
    }
    return out.build(vm, seq, firstIndex);
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
    EventBatchBuilder b =
        new EventBatchBuilder(events.size() * EventBatchBuilder.TYPICAL_BYTES_PER_EVENT);
    events.forEach(b::add);
    return b.build(vm, seq, firstIndex);
  }

  /**
   * Decodes a batch of either version.
   *
   * @throws InvalidBatchException naming the field and the event when a column does not decode
   */
  public static EventColumns of(EventBatch batch) {
    VarintReader in = VarintReader.of(batch);
    if (!batch.getEvents().isEmpty()) {
      return ofEvents(in, batch.getFirstIndex(), batch.getCount(), batch.getEvents());
    }
    EventColumns c =
        decode(
            in, batch.getFirstIndex(), batch.getCount(), batch.getDevices().toArray(new String[0]));
    int previous = -1;
    for (EventExtra x : batch.getExtras()) {
      previous = c.extra(in, previous, x.getIndex(), x.getGuestMemoryBytes(), x.getHost());
    }
    return c;
  }

  /**
   * A batch that carries its events in the version-1 list, whose columns are then empty: {@code
   * count} must be 0.
   */
  static EventColumns ofEvents(
      VarintReader in, long firstIndex, int count, List<TraceEvent> events) {
    if (count != 0) {
      throw in.error(
          "count",
          -1,
          count
              + " column events beside "
              + events.size()
              + " version-1 events: a batch carries one form only");
    }
    EventColumns c = new EventColumns(in.vm(), in.seq(), firstIndex, events.size());
    events.forEach(c::add);
    return c;
  }

  /**
   * Decodes the columns of a batch whose byte fields {@code in} holds, the extras excepted (the
   * caller gives each to {@link #extra}): the one decoder of the columns, for a batch Avro decoded
   * and for one {@link EventBatchReader} read from its record's bytes.
   */
  static EventColumns decode(VarintReader in, long firstIndex, int count, String[] devices) {
    return decode(in, firstIndex, count, devices, null);
  }

  /**
   * {@link #decode}, into the arrays of a spare of {@code spares} when it has one large enough
   * (null: fresh arrays); the columns are then the spares' to reuse once the batch is recycled.
   */
  static EventColumns decode(
      VarintReader in, long firstIndex, int count, String[] devices, ColumnSpares spares) {
    if (count < 0) {
      throw in.error("count", -1, "negative count " + count);
    }
    // Checked before anything is allocated: a corrupt count must not ask for gigabytes.
    int flagBytes = in.length(ByteField.FLAGS);
    if (flagBytes != count) {
      throw in.error("flags", -1, flagBytes + " bytes for " + count + " events");
    }
    EventColumns c = spares == null ? null : spares.take(count);
    boolean reused = c != null;
    if (reused) {
      c.vm = in.vm();
      c.seq = in.seq();
      c.firstIndex = firstIndex;
    } else {
      c = new EventColumns(in.vm(), in.seq(), firstIndex, count);
    }
    c.spares = spares;
    c.size = count;
    in.copy(ByteField.FLAGS, c.flags.values, count);
    int withGpa = EventFlags.check(in.batch(), c.flags.values, count);
    c.tsNs.decode(in, count);
    c.iova.decode(in, count);
    c.decodeGpa(in, withGpa, reused);
    c.bytes.decode(in, count);
    c.callId.decode(in, count);
    c.device.decodeDictionary(in, devices, count);
    return c;
  }

  /**
   * The gpa column: deltas of gpa - iova over the events with a gpa (see EventBatchBuilder); needs
   * flags and iova decoded. Reused arrays hold an earlier batch's gpas: {@code reused} then has the
   * events without one set to 0, which fresh arrays hold already.
   */
  private void decodeGpa(VarintReader in, int withGpa, boolean reused) {
    in.open(ByteField.GPA);
    byte[] f = flags.values;
    long[] into = gpa.values;
    long[] iovas = iova.values;
    long offset = 0;
    int i = 0;
    for (int seen = 0; i < size && seen < withGpa; i++) {
      if (EventFlags.hasGpa(f[i])) {
        offset += in.next(i);
        into[i] = iovas[i] + offset;
        seen++;
      } else if (reused) {
        into[i] = 0;
      }
    }
    if (reused) {
      Arrays.fill(into, i, size, 0L);
    }
    in.close(size);
  }

  /**
   * Sets the rare fields of event {@code index}, the entry of EventBatch.extras after the one of
   * event {@code previous} (-1 for the first); returns {@code index}.
   */
  int extra(VarintReader in, int previous, int index, long guestMemoryBytes, String host) {
    if (index <= previous || index >= size) {
      throw in.error(
          "extras",
          index,
          "index not in "
              + (previous + 1)
              + ".."
              + (size - 1)
              + " (indexes must increase and stay below count)");
    }
    rareFieldsWritten = true;
    this.guestMemoryBytes.values[index] = guestMemoryBytes;
    this.host.values[index] = host.isEmpty() ? null : host;
    return index;
  }
}
