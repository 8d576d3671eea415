package io.coiommu.processor;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * How VMs' states lie in the {@link VmStateStore}, so that a commit writes what changed since the
 * last one and not each changed VM's whole state.
 *
 * <p>A VM's state bytes ({@link VmState#writeTo}) are cut into content-defined {@link StatePieces};
 * each piece is stored under the VM id and the piece's hash ({@code vm NUL p <hash>}), and a
 * manifest ({@code vm NUL m <i>}, in chunks under the record size limit) lists the pieces' hashes
 * in order. A save writes only the pieces the last save of the VM did not write, deletes those it
 * no longer uses, and writes the manifest only when it changed: an unchanged page table or bitmap
 * costs nothing, a changed one the few pieces around its change. Every write of a save goes into
 * the commit's transaction (see {@link VmStateStore}), so the store never holds a manifest without
 * its pieces.
 *
 * <p>The previous layout ({@code vm NUL <i>}: the whole state in chunks, state format 5 and before)
 * is still read; a VM's first save in the new layout deletes its old chunks.
 */
final class VmStateLog {

  /** Layout of a manifest; states before it were stored whole (their own format, up to 5). */
  static final int MANIFEST_FORMAT = 6;

  /** Keys of what is not a VM's state start with it: no VM id starts with a NUL character. */
  static final char SEPARATOR = '\u0000';

  private static final char MANIFEST = 'm';
  private static final char PIECE = 'p';

  /** What the store holds of one VM. */
  private static final class Stored {
    /** Piece hashes of the last save, in order. */
    long[] manifest = new long[0];

    int stateBytes;
    int manifestChunks;

    /** Chunks of the previous layout still in the store, deleted by the next save. */
    int legacyChunks;

    /** The stored pieces by hash: the very arrays the in-memory store holds, so no second copy. */
    Map<Long, byte[]> pieces = new HashMap<>();
  }

  /** A buffer whose array a save reads in place, without the copy {@code toByteArray} makes. */
  static final class Buffer extends ByteArrayOutputStream {
    Buffer(int size) {
      super(size);
    }

    byte[] array() {
      return buf;
    }
  }

  private final KeyValueStore<String, byte[]> store;
  private final Map<String, Stored> stored = new HashMap<>();

  /** Bytes of pieces and manifests this log put in the store: what its commits cost. */
  private long bytesWritten;

  VmStateLog(KeyValueStore<String, byte[]> store) {
    this.store = store;
  }

  long bytesWritten() {
    return bytesWritten;
  }

  /** Hands every VM's state bytes, as the last commit left them, to {@code state}. */
  void load(BiConsumer<String, byte[]> state) {
    stored.clear();
    Map<String, TreeMap<Integer, byte[]>> legacy = new HashMap<>();
    Map<String, TreeMap<Integer, byte[]>> manifests = new HashMap<>();
    Map<String, Map<Long, byte[]>> pieces = new HashMap<>();
    try (KeyValueIterator<String, byte[]> all = store.all()) {
      all.forEachRemaining(
          kv -> {
            int sep = kv.key.lastIndexOf(SEPARATOR);
            if (sep <= 0) {
              return;
            }
            String vm = kv.key.substring(0, sep);
            char kind = kv.key.charAt(sep + 1);
            if (kind == PIECE) {
              pieces
                  .computeIfAbsent(vm, v -> new HashMap<>())
                  .put(Long.parseUnsignedLong(kv.key.substring(sep + 2), 16), kv.value);
            } else if (kind == MANIFEST) {
              manifests
                  .computeIfAbsent(vm, v -> new TreeMap<>())
                  .put(Integer.parseInt(kv.key.substring(sep + 2)), kv.value);
            } else {
              legacy
                  .computeIfAbsent(vm, v -> new TreeMap<>())
                  .put(Integer.parseInt(kv.key.substring(sep + 1)), kv.value);
            }
          });
    }
    manifests.forEach(
        (vm, chunks) -> {
          Stored s = new Stored();
          s.manifestChunks = chunks.size();
          s.pieces = pieces.getOrDefault(vm, new HashMap<>());
          s.legacyChunks = legacy.containsKey(vm) ? legacy.remove(vm).lastKey() + 1 : 0;
          ByteBuffer m = ByteBuffer.wrap(joined(vm, "manifest chunks", chunks));
          int format = m.getInt();
          if (format != MANIFEST_FORMAT) {
            throw new IllegalStateException(
                "VM "
                    + vm
                    + ": state manifest format "
                    + format
                    + ", this processor reads "
                    + MANIFEST_FORMAT);
          }
          s.stateBytes = m.getInt();
          s.manifest = new long[m.getInt()];
          ByteArrayOutputStream whole = new ByteArrayOutputStream(s.stateBytes);
          for (int i = 0; i < s.manifest.length; i++) {
            s.manifest[i] = m.getLong();
            byte[] piece = s.pieces.get(s.manifest[i]);
            if (piece == null) {
              throw new IllegalStateException(
                  "VM " + vm + ": state piece " + Long.toHexString(s.manifest[i]) + " is missing");
            }
            whole.writeBytes(piece);
          }
          if (whole.size() != s.stateBytes) {
            throw new IllegalStateException(
                "VM " + vm + ": state pieces make " + whole.size() + " bytes, not " + s.stateBytes);
          }
          stored.put(vm, s);
          state.accept(vm, whole.toByteArray());
        });
    legacy.forEach(
        (vm, chunks) -> {
          Stored s = new Stored();
          s.legacyChunks = chunks.lastKey() + 1;
          s.pieces = pieces.getOrDefault(vm, new HashMap<>());
          stored.put(vm, s);
          state.accept(vm, joined(vm, "state chunks", chunks));
        });
  }

  private static byte[] joined(String vm, String what, TreeMap<Integer, byte[]> chunks) {
    if (chunks.lastKey() != chunks.size() - 1) {
      throw new IllegalStateException(
          "VM " + vm + ": " + what + " " + chunks.keySet() + " are not 0.." + (chunks.size() - 1));
    }
    ByteArrayOutputStream whole =
        new ByteArrayOutputStream(chunks.values().stream().mapToInt(p -> p.length).sum());
    chunks.values().forEach(whole::writeBytes);
    return whole.toByteArray();
  }

  /** Stores {@code bytes[0, length)} as {@code vm}'s state, writing only what changed. */
  void save(String vm, byte[] bytes, int length) {
    Stored s = stored.computeIfAbsent(vm, v -> new Stored());
    Save save = new Save(vm, bytes, s);
    StatePieces.cut(bytes, length, save);
    for (Long h : s.pieces.keySet()) {
      if (!save.next.containsKey(h)) {
        store.delete(pieceKey(vm, h));
      }
    }
    long[] manifest = Arrays.copyOf(save.hashes, save.count);
    if (length != s.stateBytes || !Arrays.equals(manifest, s.manifest)) {
      writeManifest(vm, s, length, manifest);
    }
    for (int i = 0; i < s.legacyChunks; i++) {
      store.delete(vm + SEPARATOR + i);
    }
    s.legacyChunks = 0;
    s.pieces = save.next;
  }

  private void writeManifest(String vm, Stored s, int length, long[] manifest) {
    ByteBuffer m = ByteBuffer.allocate(12 + 8 * manifest.length);
    m.putInt(MANIFEST_FORMAT).putInt(length).putInt(manifest.length);
    for (long h : manifest) {
      m.putLong(h);
    }
    byte[] bytes = m.array();
    int n = Math.max(1, (bytes.length + VmStateStore.CHUNK_BYTES - 1) / VmStateStore.CHUNK_BYTES);
    for (int i = 0; i < n; i++) {
      byte[] chunk =
          Arrays.copyOfRange(
              bytes,
              i * VmStateStore.CHUNK_BYTES,
              Math.min(bytes.length, (i + 1) * VmStateStore.CHUNK_BYTES));
      store.put(vm + SEPARATOR + MANIFEST + i, chunk);
      bytesWritten += chunk.length;
    }
    for (int i = n; i < s.manifestChunks; i++) {
      store.delete(vm + SEPARATOR + MANIFEST + i);
    }
    s.manifestChunks = n;
    s.stateBytes = length;
    s.manifest = manifest;
  }

  private static String pieceKey(String vm, long hash) {
    return vm + SEPARATOR + PIECE + Long.toHexString(hash);
  }

  /** One save's walk over the pieces of the new state. */
  private final class Save implements StatePieces.PieceVisitor {
    private final String vm;
    private final byte[] bytes;
    private final Stored last;
    final Map<Long, byte[]> next;
    long[] hashes;
    int count;

    Save(String vm, byte[] bytes, Stored last) {
      this.vm = vm;
      this.bytes = bytes;
      this.last = last;
      this.next = new HashMap<>(Math.max(16, last.pieces.size() * 2));
      this.hashes = new long[Math.max(16, last.manifest.length + 4)];
    }

    @Override
    public void piece(int from, int to) {
      long h = StatePieces.hash(bytes, from, to);
      while (true) {
        byte[] known = next.get(h);
        if (known == null) {
          known = last.pieces.get(h);
        }
        if (known == null) {
          byte[] piece = Arrays.copyOfRange(bytes, from, to);
          store.put(pieceKey(vm, h), piece);
          bytesWritten += piece.length;
          next.put(h, piece);
          break;
        }
        if (Arrays.equals(known, 0, known.length, bytes, from, to)) {
          next.put(h, known);
          break;
        }
        h = StatePieces.rehash(h);
      }
      if (count == hashes.length) {
        hashes = Arrays.copyOf(hashes, count * 2);
      }
      hashes[count++] = h;
    }
  }
}
