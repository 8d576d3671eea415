package io.coiommu.producer.synthetic;

import io.coiommu.producer.Events;
import io.coiommu.schema.DmaDirection;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.util.Arrays;

/**
 * The events a fleet's VMs emit during one stretch of trace time, as primitive records side by side
 * (no object per event until one is delivered), and their delivery order. The VMs run one after the
 * other in plan order, each up to the end of the stretch, so the records arrive grouped by VM in
 * plan order and each VM's in its own order; a stable sort by time then gives exactly the fleet's
 * order: by time, ties to the VM planned first, then to the event emitted first.
 */
final class EventSlice {

  // One record: its time, then type, direction, device and VM packed into one long, then the
  // numbers. A VM_START keeps its guest size where other events keep their byte count.
  private static final int TS = 0;
  private static final int META = 1;
  private static final int IOVA = 2;
  private static final int GPA = 3;
  private static final int BYTES = 4;
  private static final int CALL_ID = 5;
  private static final int FIELDS = 6;

  static final String NO_DEVICE = "";

  private static final int INITIAL = 1024;
  private static final int SHRINK_ABOVE = 1 << 18;

  private static final EventType[] TYPES = EventType.values();
  private static final DmaDirection[] DIRECTIONS = DmaDirection.values();

  /** Records as added, then (after {@link #seal}) in delivery order; the other pair is spare. */
  private long[] records = new long[FIELDS * INITIAL];

  private long[] spareRecords = new long[FIELDS * INITIAL];

  /** Each record's time after {@link #startNs}, beside its record, for the sort. */
  private int[] offsets = new int[INITIAL];

  private int[] spareOffsets = new int[INITIAL];

  /** Per time bucket, its first slot in delivery order. */
  private int[] buckets = new int[INITIAL + 1];

  private int size;
  private long startNs;
  private int maxOffset;

  /**
   * Devices by id: a fleet names a handful of BDFs, so a record keeps a small id, not a string. Id
   * 0 is no device (VM and balloon events).
   */
  private String[] devices = {NO_DEVICE, null, null, null};

  private int deviceCount = 1;

  private int delivered;

  /** Empties the slice for events at {@code fromNs} and later. */
  void begin(long fromNs) {
    // A fleet's first slice holds every VM's setup (millions of events at time 0); its buffers
    // must not stay that large for the rest of the run.
    if (offsets.length > SHRINK_ABOVE && size < offsets.length / 4) {
      int capacity = Math.max(INITIAL, 2 * size);
      records = new long[FIELDS * capacity];
      spareRecords = new long[FIELDS * capacity];
      offsets = new int[capacity];
      spareOffsets = new int[capacity];
      buckets = new int[capacity + 1];
    }
    size = 0;
    startNs = fromNs;
    maxOffset = 0;
    delivered = 0;
  }

  int size() {
    return size;
  }

  /** Appends one event of VM {@code vm} (its place in the plan). */
  void add(
      int vm,
      EventType type,
      long tsNs,
      int device,
      long iova,
      long gpa,
      long bytes,
      DmaDirection dir,
      long callId) {
    if (size == offsets.length) {
      records = Arrays.copyOf(records, 2 * FIELDS * size);
      offsets = Arrays.copyOf(offsets, 2 * size);
      spareRecords = new long[records.length];
      spareOffsets = new int[offsets.length];
    }
    int r = FIELDS * size;
    records[r + TS] = tsNs;
    records[r + META] =
        type.ordinal() | (long) dir.ordinal() << 8 | (long) device << 16 | (long) vm << 32;
    records[r + IOVA] = iova;
    records[r + GPA] = gpa;
    records[r + BYTES] = bytes;
    records[r + CALL_ID] = callId;
    int offset = Math.toIntExact(tsNs - startNs);
    offsets[size++] = offset;
    maxOffset = Math.max(maxOffset, offset);
  }

  /** The id of device {@code bdf}, assigned on first use. */
  int deviceId(String bdf) {
    for (int d = 0; d < deviceCount; d++) {
      if (devices[d] == bdf || devices[d].equals(bdf)) {
        return d;
      }
    }
    if (deviceCount == devices.length) {
      devices = Arrays.copyOf(devices, 2 * deviceCount);
    }
    devices[deviceCount] = bdf;
    return deviceCount++;
  }

  /**
   * Puts the records in delivery order: by time, ties in the order they were added, which is plan
   * order and then emission order. One counting pass moves each record into a bucket of nearby
   * times (about one bucket per record), then an insertion pass orders each bucket; a bucket holds
   * a few runs already in time order (one per VM), so the pass costs little more than a read, and
   * delivery then reads the records front to back instead of at random.
   */
  void seal() {
    int n = size;
    int shift = Math.max(0, bits(maxOffset) - bits(n));
    int bucketCount = (maxOffset >>> shift) + 1;
    if (buckets.length < bucketCount + 1) {
      buckets = new int[Math.max(bucketCount + 1, 2 * buckets.length)];
    }
    Arrays.fill(buckets, 0, bucketCount + 1, 0);
    for (int i = 0; i < n; i++) {
      buckets[(offsets[i] >>> shift) + 1]++;
    }
    for (int b = 1; b <= bucketCount; b++) {
      buckets[b] += buckets[b - 1];
    }
    long[] from = records;
    long[] to = spareRecords;
    int[] toOffsets = spareOffsets;
    for (int i = 0; i < n; i++) {
      int offset = offsets[i];
      int at = buckets[offset >>> shift]++;
      toOffsets[at] = offset;
      System.arraycopy(from, FIELDS * i, to, FIELDS * at, FIELDS);
    }
    // Every record is now before those of later buckets, so one insertion pass finishes the sort;
    // it moves a record only past strictly later ones, which keeps ties in order.
    long[] held = new long[FIELDS];
    for (int i = 1; i < n; i++) {
      int offset = toOffsets[i];
      if (offset >= toOffsets[i - 1]) {
        continue;
      }
      System.arraycopy(to, FIELDS * i, held, 0, FIELDS);
      int j = i;
      do {
        toOffsets[j] = toOffsets[j - 1];
        System.arraycopy(to, FIELDS * (j - 1), to, FIELDS * j, FIELDS);
        j--;
      } while (j > 0 && toOffsets[j - 1] > offset);
      toOffsets[j] = offset;
      System.arraycopy(held, 0, to, FIELDS * j, FIELDS);
    }
    spareRecords = records;
    spareOffsets = offsets;
    records = to;
    offsets = toOffsets;
  }

  private static int bits(int value) {
    return 32 - Integer.numberOfLeadingZeros(value);
  }

  boolean hasNext() {
    return delivered < size;
  }

  /** The VM (place in the plan) of the next event to deliver. */
  int nextVm() {
    return (int) (records[FIELDS * delivered + META] >>> 32);
  }

  /** The next event in delivery order, as the trace carries it; {@code host} only for VM_START. */
  TraceEvent next(String host) {
    int r = FIELDS * delivered++;
    long meta = records[r + META];
    long ts = records[r + TS];
    String device = devices[(int) (meta >>> 16) & 0xFFFF];
    long iova = records[r + IOVA];
    long gpa = records[r + GPA];
    long bytes = records[r + BYTES];
    DmaDirection dir = DIRECTIONS[(int) (meta >>> 8) & 0xFF];
    return switch (TYPES[(int) meta & 0xFF]) {
      case VM_START -> Events.vmStart(ts, host, bytes);
      case VM_STOP -> Events.vmStop(ts);
      case DMA_MAP -> Events.map(ts, device, iova, gpa, bytes, dir, records[r + CALL_ID]);
      case DMA_UNMAP -> Events.unmap(ts, device, iova, gpa, bytes, records[r + CALL_ID]);
      case DMA_ALLOC -> Events.alloc(ts, device, iova, gpa, bytes, dir, records[r + CALL_ID]);
      case DMA_FREE -> Events.free(ts, device, iova, gpa, bytes);
      case DMA_ACCESS -> Events.access(ts, device, gpa, bytes);
      case BALLOON_INFLATE -> Events.balloonInflate(ts, gpa, bytes);
      case BALLOON_DEFLATE -> Events.balloonDeflate(ts, gpa, bytes);
      case IO_PAGE_FAULT -> Events.ioPageFault(ts, device, iova);
      case UNKNOWN -> throw new IllegalStateException("a generator emitted an UNKNOWN event");
    };
  }
}
