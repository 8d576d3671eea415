package io.coiommu.processor;

import io.coiommu.processor.engine.VmEmulator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What the processor keeps per VM: the next batch sequence number it expects and the emulator of the running VM
 * (null before its first batch and after VM_STOP; the sequence outlives the emulator, so a batch repeated after the
 * stop is still recognised).
 */
final class VmState {

  private static final int FORMAT = 1;

  long nextSeq;
  VmEmulator emulator;

  byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT);
      out.writeLong(nextSeq);
      byte[] snapshot = emulator == null ? null : emulator.snapshot();
      out.writeInt(snapshot == null ? -1 : snapshot.length);
      if (snapshot != null) {
        out.write(snapshot);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static VmState fromBytes(String vm, ProcessorConfig config, byte[] bytes) {
    VmState s = new VmState();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int format = in.readInt();
      if (format != FORMAT) {
        throw new IllegalStateException("VM " + vm + ": state format " + format + ", this processor reads " + FORMAT);
      }
      s.nextSeq = in.readLong();
      int n = in.readInt();
      if (n >= 0) {
        s.emulator = VmEmulator.restore(vm, config.scenarios(), config.engine(), in.readNBytes(n));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("VM " + vm + ": corrupt state", e);
    }
    return s;
  }
}
