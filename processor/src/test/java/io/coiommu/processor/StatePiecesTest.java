package io.coiommu.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Content-defined pieces: they tile the bytes, keep their bounds, and survive a shift. */
class StatePiecesTest {

  private static List<byte[]> pieces(byte[] bytes) {
    List<byte[]> out = new ArrayList<>();
    int[] next = {0};
    StatePieces.cut(
        bytes,
        bytes.length,
        (from, to) -> {
          assertThat(from).isEqualTo(next[0]);
          next[0] = to;
          out.add(Arrays.copyOfRange(bytes, from, to));
        });
    assertThat(next[0]).isEqualTo(bytes.length);
    return out;
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void piecesTileTheBytesWithinTheirBounds() {
    byte[] bytes = random(1 << 20, 1);
    List<byte[]> pieces = pieces(bytes);
    for (int i = 0; i < pieces.size() - 1; i++) {
      assertThat(pieces.get(i).length).isBetween(StatePieces.MIN_BYTES, StatePieces.MAX_BYTES);
    }
    assertThat(pieces.size()).isBetween(100, 1000);
  }

  @Test
  void runsOfZerosAreCutAtTheLargestPiece() {
    List<byte[]> pieces = pieces(new byte[5 * StatePieces.MAX_BYTES + 3]);
    assertThat(pieces).hasSize(6);
    assertThat(pieces.get(0)).hasSize(StatePieces.MAX_BYTES);
  }

  /** Bytes inserted near the start change the pieces around them only, not the ones after. */
  @Test
  void anInsertionChangesOnlyThePiecesAroundIt() {
    byte[] before = random(1 << 20, 2);
    byte[] inserted = random(300, 3);
    byte[] after = new byte[before.length + inserted.length];
    int at = 10_000;
    System.arraycopy(before, 0, after, 0, at);
    System.arraycopy(inserted, 0, after, at, inserted.length);
    System.arraycopy(before, at, after, at + inserted.length, before.length - at);
    Set<Long> old = new HashSet<>();
    for (byte[] p : pieces(before)) {
      old.add(StatePieces.hash(p, 0, p.length));
    }
    List<byte[]> now = pieces(after);
    long changedBytes = 0;
    for (byte[] p : now) {
      if (!old.contains(StatePieces.hash(p, 0, p.length))) {
        changedBytes += p.length;
      }
    }
    assertThat(changedBytes).isPositive().isLessThan(3L * StatePieces.MAX_BYTES);
  }

  @Test
  void aCollisionGetsAnotherName() {
    long h = StatePieces.hash(new byte[] {1, 2, 3}, 0, 3);
    assertThat(StatePieces.rehash(h)).isNotEqualTo(h);
    assertThat(StatePieces.hash(new byte[] {0, 1, 2, 3}, 1, 4)).isEqualTo(h);
  }
}
