package io.coiommu.processor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Every range operation of the chunked bitmap against java.util.BitSet, including what it reports
 * as changed.
 */
class PageBitmapTest {

  /**
   * Pages far apart in frame-number space, so chunks hash to many slots and get freed and reused.
   */
  private static final long FAR = 1L << 33;

  @Property(tries = 300)
  void rangeOperationsMatchABitSet(@ForAll @Size(max = 80) List<Integer> ops) throws IOException {
    PageBitmap bits = new PageBitmap();
    PageBitmap other = new PageBitmap();
    BitSet near = new BitSet();
    BitSet far = new BitSet();
    BitSet otherModel = new BitSet();
    for (int op : ops) {
      int from = Math.floorMod(op, 5000);
      int to = from + Math.floorMod(op >> 13, 1300);
      boolean high = (op & 1 << 30) != 0;
      long base = high ? FAR : 0;
      BitSet model = high ? far : near;
      switch (Math.floorMod(op >> 24, 7)) {
        case 0 -> {
          BitSet added = (BitSet) model.clone();
          model.set(from, to);
          added.xor(model);
          assertThat(bits.setRange(base + from, base + to)).isEqualTo(added.cardinality());
        }
        case 1 -> {
          BitSet removed = model.get(from, to);
          model.clear(from, to);
          assertThat(bits.clearRange(base + from, base + to)).isEqualTo(removed.cardinality());
        }
        case 2 -> {
          other.setRange(base + from, base + to);
          if (!high) {
            otherModel.set(from, to);
          }
        }
        case 3 -> {
          if (!high) {
            BitSet in = range(from, to);
            in.andNot(otherModel);
            BitSet added = (BitSet) in.clone();
            added.andNot(model);
            model.or(in);
            assertThat(bits.setAndNot(from, to, other)).isEqualTo(added.cardinality());
          }
        }
        case 4 -> {
          long wi = (base + from) >>> 6;
          long m = PageBitmap.mask(wi, base + from, base + to);
          BitSet removed = new BitSet();
          for (int k = 0; k < 64; k++) {
            long g = (wi << 6) + k - base;
            if ((m & 1L << k) != 0 && model.get((int) g)) {
              removed.set(k);
              model.clear((int) g);
            }
          }
          assertThat(Long.bitCount(bits.clearWord(wi, m) & m)).isEqualTo(removed.cardinality());
        }
        case 5 -> {
          PageBitmap copy = new PageBitmap();
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          bits.writeTo(new DataOutputStream(out));
          copy.readFrom(new DataInputStream(new ByteArrayInputStream(out.toByteArray())));
          bits = copy;
        }
        default -> {
          int g = from + to % 64;
          if (model.get(g)) {
            bits.clear(base + g);
            model.clear(g);
          } else {
            bits.set(base + g);
            model.set(g);
          }
        }
      }
      assertThat(bits.cardinality()).isEqualTo(near.cardinality() + far.cardinality());
      assertThat(bits.count(base + from, base + to)).isEqualTo(model.get(from, to).cardinality());
      int first = model.nextSetBit(from);
      assertThat(bits.first(base + from, base + to))
          .isEqualTo(first >= 0 && first < to ? base + first : -1);
      if (!high) {
        BitSet bad = model.get(from, to);
        bad.andNot(otherModel.get(from, to));
        assertThat(bits.countAndNot(from, to, other)).isEqualTo(bad.cardinality());
      }
      assertThat(bits.get(base + from)).isEqualTo(model.get(from));
    }
  }

  /**
   * Snapshot bytes of earlier builds, whose leaves covered 2 GiB: chunks come area by area (2 GiB)
   * in the order each area was first touched, and by address within an area, however the smaller
   * leaves of today were made.
   */
  @Test
  void aSnapshotListsChunksByAreaAsFirstTouchedThenByAddress() throws IOException {
    long area = 1L << 19;
    long region = 1L << 16;
    long[] touched = {area + 3 * region, 5 * region + 10, 100, area + 7};
    PageBitmap bits = new PageBitmap();
    for (long gfn : touched) {
      bits.set(gfn);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    bits.writeTo(new DataOutputStream(out));
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(out.toByteArray()));
    List<Long> chunks = new ArrayList<>();
    for (int n = in.readInt(); n > 0; n--) {
      chunks.add(in.readLong());
      in.skipNBytes(8 * Long.BYTES);
    }
    assertThat(chunks)
        .containsExactly((area + 7) >>> 9, (area + 3 * region) >>> 9, 0L, (5 * region + 10) >>> 9);
  }

  private static BitSet range(int from, int to) {
    BitSet b = new BitSet();
    b.set(from, to);
    return b;
  }
}
