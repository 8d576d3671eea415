package io.coiommu.processor;

import io.coiommu.processor.engine.EmulationSink;
import io.coiommu.processor.engine.VmEmulator;
import io.coiommu.schema.TraceEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What the processor keeps per VM: the next batch sequence number it expects, the events held back to be put in
 * trace order, and the emulator of the running VM (null before its first event and after VM_STOP; the sequence
 * outlives the emulator, so a batch repeated after the stop is still recognised).
 *
 * <p>Event time: an event is held until the VM's trace time is past it by the reorder bound (or the partition's
 * watermark passes it, or the VM stops); held events go to the emulator in timestamp order. Once trace time has been
 * released up to the {@link #frontierNs frontier}, no earlier event can be emulated any more: one that still comes is
 * a late event.
 */
final class VmState {

  private static final int FORMAT = 3;

  long nextSeq;
  VmEmulator emulator;
  /** Largest timestamp seen from this VM. */
  long maxTsNs = Long.MIN_VALUE;
  /** Trace time released to the emulator: events before it are late. */
  long frontierNs = Long.MIN_VALUE;
  /** Held events, in timestamp order (arrival order among equal timestamps). */
  private final List<TraceEvent> held = new ArrayList<>();

  /** Holds {@code e} in timestamp order, or reports it late when its time was already released. */
  void hold(TraceEvent e, String vm, ProcessorConfig config, EmulationSink out) {
    long ts = e.getTsNs();
    if (ts < frontierNs) {
      emulator(vm, config).late(e, frontierNs, out);
      return;
    }
    int i = held.size();
    while (i > 0 && held.get(i - 1).getTsNs() > ts) {
      i--;
    }
    held.add(i, e);
    maxTsNs = Math.max(maxTsNs, ts);
  }

  /** Emulates every held event up to {@code ts} and tells the emulator no earlier event will come. */
  void release(long ts, String vm, ProcessorConfig config, EmulationSink out) {
    if (ts <= frontierNs) {
      return;
    }
    frontierNs = ts;
    int n = 0;
    while (n < held.size() && held.get(n).getTsNs() <= ts) {
      n++;
    }
    emulate(held.subList(0, n), vm, config, out);
    if (emulator != null) {
      emulator.advanceTime(ts, out);
    }
  }

  /** VM_STOP: everything held goes, in order (events held past the stop meet a stopped VM, as they would have). */
  void releaseAll(String vm, ProcessorConfig config, EmulationSink out) {
    emulate(held, vm, config, out);
  }

  private void emulate(List<TraceEvent> events, String vm, ProcessorConfig config, EmulationSink out) {
    for (TraceEvent e : events) {
      emulator(vm, config).onEvent(e, out);
      if (emulator.finished()) {
        // VM_STOP released everything; a later VM with the same id starts from scratch.
        emulator = null;
      }
    }
    events.clear();
  }

  private VmEmulator emulator(String vm, ProcessorConfig config) {
    if (emulator == null) {
      emulator = new VmEmulator(vm, config.scenarios(), config.engine());
    }
    return emulator;
  }

  /** Writes this state into {@code bytes} (which the caller resets and reuses, so a commit copies each state once). */
  void writeTo(ByteArrayOutputStream bytes) {
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT);
      out.writeLong(nextSeq);
      out.writeLong(maxTsNs);
      out.writeLong(frontierNs);
      out.writeInt(held.size());
      for (TraceEvent e : held) {
        ByteBuffer b = e.toByteBuffer();
        out.writeInt(b.remaining());
        out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
      }
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
      if (format != FORMAT) {
        throw new IllegalStateException("VM " + vm + ": state format " + format + ", this processor reads " + FORMAT);
      }
      s.nextSeq = in.readLong();
      s.maxTsNs = in.readLong();
      s.frontierNs = in.readLong();
      for (int k = in.readInt(); k > 0; k--) {
        s.held.add(TraceEvent.fromByteBuffer(ByteBuffer.wrap(in.readNBytes(in.readInt()))));
      }
      if (in.readBoolean()) {
        s.emulator = VmEmulator.restore(vm, config.scenarios(), config.engine(), in);
      }
      if (in.available() != 0) {
        throw new IllegalStateException("VM " + vm + ": " + in.available() + " bytes left over in its state");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("VM " + vm + ": corrupt state", e);
    }
    return s;
  }
}
