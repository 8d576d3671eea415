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

  private static final EventType[] TYPES = EventType.values();
  private static final DmaDirection[] DIRECTIONS = DmaDirection.values();

  private long[] records = new long[FIELDS * 1024];

  /** Each record's time after {@link #startNs}, for the sort. */
  private int[] offsets = new int[1024];

  private int size;
  private long startNs;
  private int maxOffset;

  /**
   * Devices by id: a fleet names a handful of BDFs, so a record keeps a small id, not a string. Id
   * 0 is no device (VM and balloon events).
   */
  private String[] devices = {NO_DEVICE, null, null, null};

  private int deviceCount = 1;

  private final TimeRadixSort sort = new TimeRadixSort();
  private int[] order;
  private int delivered;

  /** Empties the slice for events at {@code fromNs} and later. */
  void begin(long fromNs) {
    size = 0;
    startNs = fromNs;
    maxOffset = 0;
    delivered = 0;
    order = null;
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

  /** Sorts the slice once everything in it has been added. */
  void seal() {
    order = sort.stableOrder(offsets, size, maxOffset);
  }

  boolean hasNext() {
    return delivered < size;
  }

  /** The VM (place in the plan) of the next event to deliver. */
  int nextVm() {
    return (int) (records[FIELDS * order[delivered] + META] >>> 32);
  }

  /** The next event in delivery order, as the trace carries it; {@code host} only for VM_START. */
  TraceEvent next(String host) {
    int r = FIELDS * order[delivered++];
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
