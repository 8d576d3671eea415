package io.coiommu.processor;

import io.coiommu.processor.engine.EmulationSink;
import io.coiommu.processor.engine.VmEmulator;
import io.coiommu.schema.EventBatch;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * What the processor keeps per VM: the index of the next event it expects in the VM's stream (and,
 * for batches of versions 1 and 2 that carry no index, the next batch sequence number), the events
 * held back to be put in trace order, and the emulator of the running VM (null before its first
 * event and after VM_STOP; the sequence outlives the emulator, so a batch repeated after the stop
 * is still recognised).
 *
 * <p>Event time: an event is held until the VM's trace time is past it by the reorder bound (or the
 * partition's watermark passes it, or the VM stops); held events go to the emulator in timestamp
 * order. Once trace time has been released up to the {@link #frontierNs frontier}, no earlier event
 * can be emulated any more: one that still comes is a late event.
 */
final class VmState {

  /** Format 4 and the next event index. */
  private static final int FORMAT = 5;

  /** Held events as one EventBatch of version 2 (columns), no event index: still read. */
  static final int FORMAT_NO_INDEX = 4;

  /** An older format, still read: held events as one single-object-encoded TraceEvent each. */
  static final int FORMAT_EVENT_RECORDS = 3;

  /**
   * nextIndex of a state written before events had indexes: the next indexed batch is taken whole.
   */
  static final long INDEX_UNKNOWN = -1;

  long nextSeq;

  /**
   * Index in the VM's stream of the next event not yet applied (held or emulated); see
   * EmulationProcessor.
   */
  long nextIndex;

  VmEmulator emulator;

  /** Largest timestamp seen from this VM. */
  long maxTsNs = Long.MIN_VALUE;

  /** Trace time released to the emulator: events before it are late. */
  long frontierNs = Long.MIN_VALUE;

  /** Events a held buffer keeps room for between batches. */
  private static final int SMALL_HELD = 64;

  /** Held events, in timestamp order (arrival order among equal timestamps). */
  private EventColumns held = new EventColumns();

  /**
   * Holds the events of {@code batch} from {@code from} on in timestamp order, reporting those
   * whose time was already released as late, and stops right after a VM_STOP that is on time (the
   * caller then releases everything). Returns the index after the last event taken.
   *
   * <p>Events mostly come in order: a run of them that sorts after everything held is appended with
   * one copy per column, not event by event (issue #14: per-event copies were a tenth of a stream
   * thread's time on a fleet).
   */
  int hold(EventColumns batch, int from, String vm, ProcessorConfig config, EmulationSink out) {
    int n = batch.size();
    int i = from;
    while (i < n) {
      long ts = batch.tsNs(i);
      if (ts < frontierNs) {
        emulator(vm, config).late(batch, i, frontierNs, out);
        i++;
        continue;
      }
      int end;
      if (held.size() == 0 || held.tsNs(held.size() - 1) <= ts) {
        // Every event of the run is on time: none is earlier than the first, which is.
        long last = ts;
        end = i + 1;
        while (end < n && batch.type(end - 1) != EventType.VM_STOP && batch.tsNs(end) >= last) {
          last = batch.tsNs(end++);
        }
        held.addRange(batch, i, end);
        maxTsNs = Math.max(maxTsNs, last);
      } else {
        int at = held.size();
        while (at > 0 && held.tsNs(at - 1) > ts) {
          at--;
        }
        held.insert(at, batch, i);
        maxTsNs = Math.max(maxTsNs, ts);
        end = i + 1;
      }
      i = end;
      if (batch.type(end - 1) == EventType.VM_STOP) {
        return end;
      }
    }
    return n;
  }

  /**
   * The common case, taken without copying what is emulated at once: the events of {@code batch}
   * from {@code from} on are on time, in timestamp order, after everything held, and hold no
   * VM_STOP. Then {@link #hold} followed by {@link #release} up to the reorder bound would append
   * them all and emulate the held events and a prefix of the batch, in that order; here that prefix
   * is emulated where it lies in the batch and only the rest is held, which gives the emulator the
   * same events in the same order and the same time to advance to (issue #14: copying every event
   * into the held buffer and out again was most of holding's cost on a fleet). Returns false,
   * having changed nothing, in any other case.
   */
  boolean takeInOrder(
      EventColumns batch, int from, String vm, ProcessorConfig config, EmulationSink out) {
    int n = batch.size();
    if (from >= n) {
      return false;
    }
    long last = held.size() == 0 ? frontierNs : Math.max(frontierNs, held.tsNs(held.size() - 1));
    for (int i = from; i < n; i++) {
      long ts = batch.tsNs(i);
      if (ts < last || batch.type(i) == EventType.VM_STOP) {
        return false;
      }
      last = ts;
    }
    maxTsNs = Math.max(maxTsNs, last);
    long releaseNs = saturatedMinus(maxTsNs, config.reorderBoundNs());
    if (releaseNs <= frontierNs) {
      held.addRange(batch, from, n);
      return true;
    }
    frontierNs = releaseNs;
    int heldDue = due(held, 0, releaseNs);
    int batchDue = from;
    if (heldDue == held.size()) {
      batchDue = due(batch, from, releaseNs);
    }
    emulate(heldDue, vm, config, out);
    run(batch, from, batchDue, vm, config, out);
    held.addRange(batch, batchDue, n);
    if (emulator != null) {
      emulator.advanceTime(releaseNs, out);
    }
    return true;
  }

  /** The index after the events of {@code columns} from {@code i} on at or before {@code ts}. */
  private static int due(EventColumns columns, int i, long ts) {
    while (i < columns.size() && columns.tsNs(i) <= ts) {
      i++;
    }
    return i;
  }

  /** {@code a - b}, or Long.MIN_VALUE where that would wrap: "no time yet" stays no time. */
  static long saturatedMinus(long a, long b) {
    return a < Long.MIN_VALUE + b ? Long.MIN_VALUE : a - b;
  }

  /**
   * Emulates every held event up to {@code ts} and tells the emulator no earlier event will come.
   */
  void release(long ts, String vm, ProcessorConfig config, EmulationSink out) {
    if (ts <= frontierNs) {
      return;
    }
    frontierNs = ts;
    emulate(due(held, 0, ts), vm, config, out);
    if (emulator != null) {
      emulator.advanceTime(ts, out);
    }
  }

  /** Events the held buffer has room for: what it costs on the heap between batches. */
  int heldCapacity() {
    return held.capacity();
  }

  /**
   * VM_STOP: everything held goes, in order (events held past the stop meet a stopped VM, as they
   * would have).
   */
  void releaseAll(String vm, ProcessorConfig config, EmulationSink out) {
    emulate(held.size(), vm, config, out);
  }

  /** Emulates the first {@code n} held events in place (no event object each) and drops them. */
  private void emulate(int n, String vm, ProcessorConfig config, EmulationSink out) {
    run(held, 0, n, vm, config, out);
    held.removeFirst(n);
    if (held.capacity() > SMALL_HELD && held.capacity() > 4 * held.size()) {
      // A whole batch passes through the buffer, but only the reorder bound's events stay: at
      // 10,000 VMs, buffers left at their largest batch's size took 0.6 GiB of heap.
      EventColumns smaller = new EventColumns(Math.max(SMALL_HELD, 2 * held.size()));
      smaller.addRange(held, 0, held.size());
      held = smaller;
    }
  }

  /** Emulates events {@code [i, end)} of {@code events} where they lie (no event object each). */
  private void run(
      EventColumns events, int i, int end, String vm, ProcessorConfig config, EmulationSink out) {
    while (i < end) {
      i = emulator(vm, config).onEvents(events, i, end, out);
      if (emulator.finished()) {
        // VM_STOP released everything; a later VM with the same id starts from scratch.
        emulator = null;
      }
    }
  }

  private VmEmulator emulator(String vm, ProcessorConfig config) {
    if (emulator == null) {
      emulator = new VmEmulator(vm, config.scenarios(), config.engine());
    }
    return emulator;
  }

  /**
   * Writes this state into {@code bytes} (which the caller resets and reuses, so a commit copies
   * each state once).
   */
  void writeTo(String vm, ByteArrayOutputStream bytes) {
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT);
      out.writeLong(nextSeq);
      out.writeLong(nextIndex);
      out.writeLong(maxTsNs);
      out.writeLong(frontierNs);
      ByteBuffer b = held.toBatch(vm, 0).toByteBuffer();
      out.writeInt(b.remaining());
      out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
      out.writeBoolean(emulator != null);
      if (emulator != null) {
        emulator.writeTo(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static VmState fromBytes(String vm, ProcessorConfig config, byte[] bytes) {
    VmState s = new VmState();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int format = in.readInt();
      if (format != FORMAT && format != FORMAT_NO_INDEX && format != FORMAT_EVENT_RECORDS) {
        throw new IllegalStateException(
            "VM "
                + vm
                + ": state format "
                + format
                + ", this processor reads "
                + FORMAT_EVENT_RECORDS
                + " to "
                + FORMAT);
      }
      s.nextSeq = in.readLong();
      s.nextIndex = format == FORMAT ? in.readLong() : INDEX_UNKNOWN;
      s.maxTsNs = in.readLong();
      s.frontierNs = in.readLong();
      if (format != FORMAT_EVENT_RECORDS) {
        s.held =
            EventColumns.of(
                EventBatch.fromByteBuffer(ByteBuffer.wrap(in.readNBytes(in.readInt()))));
      } else {
        // A changelog written before the upgrade: its held events must still be emulated, not lost.
        for (int k = in.readInt(); k > 0; k--) {
          s.held.add(TraceEvent.fromByteBuffer(ByteBuffer.wrap(in.readNBytes(in.readInt()))));
        }
      }
      if (in.readBoolean()) {
        s.emulator = VmEmulator.restore(vm, config.scenarios(), config.engine(), in);
      }
      if (in.available() != 0) {
        throw new IllegalStateException(
            "VM " + vm + ": " + in.available() + " bytes left over in its state");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("VM " + vm + ": corrupt state", e);
    }
    return s;
  }
}
