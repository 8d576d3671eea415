package io.coiommu.processor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Cuts a VM's state bytes into content-defined pieces: a piece ends where a rolling (gear) hash of
 * the bytes before it has its low bits zero, so a boundary depends on the few dozen bytes before it
 * and not on its offset. Bytes inserted into or removed from the middle of a state (a page table
 * that grew, held events that came and went) change only the pieces around them; the pieces after
 * them are cut at the same places as before and are byte for byte those of the last commit, which
 * therefore need not be written again.
 */
final class StatePieces {

  /** No piece is shorter, except a state's last: a key and a record's overhead per piece. */
  static final int MIN_BYTES = 512;

  /** No piece is longer: bytes that never hit a boundary (a run of zeros) are cut here. */
  static final int MAX_BYTES = 16 << 10;

  /** A boundary after about every 2 KiB past the minimum. */
  private static final long BOUNDARY_MASK = (1L << 11) - 1;

  /**
   * Random but fixed, so that a restarted processor cuts as the last one did and finds its pieces.
   */
  private static final long[] GEAR = new long[256];

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  static {
    SplittableRandom random = new SplittableRandom(0x636f696f6d6d75L);
    for (int i = 0; i < GEAR.length; i++) {
      GEAR[i] = random.nextLong();
    }
  }

  /** Hears each piece, in order, as the range {@code [from, to)} of the bytes cut. */
  interface PieceVisitor {
    void piece(int from, int to);
  }

  private StatePieces() {}

  /** Cuts {@code bytes[0, length)}; a non-empty state gives at least one piece. */
  static void cut(byte[] bytes, int length, PieceVisitor visitor) {
    int from = 0;
    while (from < length) {
      int end = Math.min(length, from + MAX_BYTES);
      int to = end;
      long h = 0;
      // No boundary is tested within the first MIN_BYTES, and a byte leaves the 64-bit hash after
      // 64 shifts: hashing starts 64 bytes before the first place a boundary may be.
      for (int i = Math.min(end, from + MIN_BYTES - 64); i < end; i++) {
        h = (h << 1) + GEAR[bytes[i] & 0xff];
        if (i + 1 - from >= MIN_BYTES && (h & BOUNDARY_MASK) == 0) {
          to = i + 1;
          break;
        }
      }
      visitor.piece(from, to);
      from = to;
    }
  }

  /** A 64-bit hash of {@code bytes[from, to)}: a piece's name in the store. */
  static long hash(byte[] bytes, int from, int to) {
    long h = 0x9E3779B97F4A7C15L ^ (to - from);
    int i = from;
    for (; i + 8 <= to; i += 8) {
      h = mix(h ^ (long) LONGS.get(bytes, i));
    }
    for (; i < to; i++) {
      h = mix(h ^ (bytes[i] & 0xffL));
    }
    return mix(h);
  }

  /**
   * The next name to try when two different pieces of one VM hash alike: a collision costs a second
   * name, never a wrong restore (pieces are compared by content before one is reused).
   */
  static long rehash(long h) {
    return mix(h + 0x9E3779B97F4A7C15L);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
