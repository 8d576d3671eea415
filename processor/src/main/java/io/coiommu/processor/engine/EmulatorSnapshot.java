package io.coiommu.processor.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The layout of a {@link VmEmulator#snapshot()}: the scenario set and window it belongs to, the
 * VM's life and call state, the record clock, the mapped pages, the DTT footprint, the iova tables,
 * then every policy's counters and state. Versioned: a restore refuses any other format than this
 * one and the previous.
 */
final class EmulatorSnapshot {

  /** Version of the layout. */
  static final int FORMAT = 4;

  /**
   * Format 3: no access source. Its scenarios never pin on access, so it restores as {@code MAPS}.
   */
  static final int FORMAT_NO_ACCESSES = 3;

  private EmulatorSnapshot() {}

  static byte[] toBytes(VmEmulator e) {
    ByteArrayOutputStream bytes =
        new ByteArrayOutputStream(256 + 16 * (int) Math.min(e.mapped.mapped(), 1 << 24));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(e, out);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return bytes.toByteArray();
  }

  /** {@link #read} of a whole snapshot: bytes left over are refused as well. */
  static void fromBytes(VmEmulator e, List<Scenario> scenarios, byte[] snapshot) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
      read(e, scenarios, in);
      if (in.available() != 0) {
        throw new IllegalStateException(
            "VM " + e.vm + ": " + in.available() + " bytes left over in its snapshot");
      }
    } catch (IOException ex) {
      throw new UncheckedIOException("VM " + e.vm + ": corrupt emulator snapshot", ex);
    }
  }

  static void write(VmEmulator e, DataOutput out) throws IOException {
    out.writeInt(FORMAT);
    out.writeLong(e.clock.windowNs());
    out.writeInt(e.policies.length);
    for (Policy p : e.policies) {
      out.writeUTF(p.scenario.name());
    }
    out.writeByte(e.life.ordinal());
    out.writeUTF(e.host);
    out.writeLong(e.guestBytes);
    out.writeLong(e.lastTs);
    out.writeLong(e.anomaliesBeforeStart);
    e.clock.writeTo(out);
    out.writeByte(e.dma.callKind.ordinal());
    out.writeLong(e.dma.callId);
    out.writeByte(e.dma.accessSource.ordinal());
    e.mapped.writeTo(out);
    if (e.footprint != null) {
      e.footprint.writeTo(out);
    }
    writeDevices(e, out);
    for (Policy p : e.policies) {
      p.writeTo(out);
    }
  }

  private static void writeDevices(VmEmulator e, DataOutput out) throws IOException {
    out.writeInt(e.dma.devices.size());
    for (Map.Entry<String, IovaTable> d : e.dma.devices.entrySet()) {
      out.writeUTF(d.getKey());
      d.getValue().writeTo(out);
    }
  }

  /**
   * Reads into {@code e}, fresh for {@code scenarios}, what {@link #write} wrote. The scenarios and
   * window must be those it was taken with: state of one scenario set means nothing to another, so
   * a mismatch is refused rather than mixed.
   */
  static void read(VmEmulator e, List<Scenario> scenarios, DataInput in) throws IOException {
    String vm = e.vm;
    int format = in.readInt();
    if (format != FORMAT && format != FORMAT_NO_ACCESSES) {
      throw new IllegalStateException(
          "VM " + vm + ": emulator snapshot format " + format + ", this engine reads " + FORMAT);
    }
    long windowNs = in.readLong();
    int n = in.readInt();
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      names.add(in.readUTF());
    }
    List<String> expected = scenarios.stream().map(Scenario::name).toList();
    if (windowNs != e.clock.windowNs() || !names.equals(expected)) {
      throw new IllegalStateException(
          "VM "
              + vm
              + ": saved state is for window "
              + Durations.format(windowNs)
              + " and scenarios "
              + names
              + ", not "
              + Durations.format(e.clock.windowNs())
              + " and "
              + expected
              + "; run other settings under another application id");
    }
    e.life = VmEmulator.Life.values()[in.readByte()];
    e.host = in.readUTF();
    e.guestBytes = in.readLong();
    e.lastTs = in.readLong();
    e.anomaliesBeforeStart = in.readLong();
    e.clock.readFrom(in);
    e.dma.callKind = DmaEvents.CallKind.values()[in.readByte()];
    e.dma.callId = in.readLong();
    e.dma.accessSource =
        format == FORMAT
            ? DmaEvents.AccessSource.values()[in.readByte()]
            : DmaEvents.AccessSource.MAPS;
    e.mapped.readFrom(in);
    if (e.footprint != null) {
      e.footprint.readFrom(in);
    }
    for (int d = in.readInt(); d > 0; d--) {
      String device = in.readUTF();
      e.dma.devices.put(device, IovaTable.readFrom(in));
    }
    for (Policy p : e.policies) {
      p.readFrom(in);
    }
  }
}
