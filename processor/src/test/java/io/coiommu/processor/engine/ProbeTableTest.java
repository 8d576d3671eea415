package io.coiommu.processor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Both tables on the shared probing core against java.util.HashMap, through growth, backward-shift
 * deletion, shrinking and a snapshot round trip.
 */
class ProbeTableTest {

  /**
   * Keys drawn from few values so operations hit present keys, spread (page aligned for the iova
   * map, far apart for frame numbers) so probe runs cross and wrap.
   */
  private static long key(int op, long stride) {
    return Math.floorMod(op, 300) * stride;
  }

  @Property(tries = 300)
  void pageTableMatchesAHashMap(@ForAll @Size(max = 600) List<Integer> ops) throws IOException {
    PageTable table = new PageTable();
    Map<Long, Integer> model = new HashMap<>();
    for (int op : ops) {
      long gfn = key(op, (PageTable.GFN_LIMIT - 1) / 299);
      int value = 1 + Math.floorMod(op >> 10, PageTable.MAX_VALUE - 1);
      switch (Math.floorMod(op >> 28, 3)) {
        case 0 -> {
          Integer old = model.put(gfn, value);
          assertThat(table.put(gfn, value)).isEqualTo(old == null ? -1 : old);
        }
        case 1 -> {
          Integer old = model.remove(gfn);
          assertThat(table.remove(gfn)).isEqualTo(old == null ? -1 : old);
        }
        default -> {
          int delta = (op & 1) == 0 ? 1 : -model.getOrDefault(gfn, 0);
          int sum = model.getOrDefault(gfn, 0) + delta;
          if (sum == 0) {
            model.remove(gfn);
          } else {
            model.put(gfn, sum);
          }
          assertThat(table.add(gfn, delta)).isEqualTo(sum);
        }
      }
      assertThat(table.size()).isEqualTo(model.size());
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    table.writeTo(new DataOutputStream(bytes));
    PageTable copy = new PageTable();
    copy.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    for (PageTable t : List.of(table, copy)) {
      assertThat(t.size()).isEqualTo(model.size());
      for (int k = 0; k < 300; k++) {
        long gfn = key(k, (PageTable.GFN_LIMIT - 1) / 299);
        assertThat(t.get(gfn)).isEqualTo(model.getOrDefault(gfn, -1));
      }
    }
  }

  @Property(tries = 300)
  void longLongMapMatchesAHashMap(@ForAll @Size(max = 600) List<Integer> ops) throws IOException {
    LongLongMap map = new LongLongMap();
    Map<Long, Long> model = new HashMap<>();
    for (int op : ops) {
      long iova = key(op, 4096);
      int slot = map.find(iova);
      assertThat(slot < 0 ? null : map.valueAt(slot)).isEqualTo(model.get(iova));
      if (slot >= 0 && (op & 1) == 0) {
        map.deleteAt(slot);
        model.remove(iova);
      } else if (slot < 0) {
        long value = op | 1L << 40;
        map.add(iova, value);
        model.put(iova, value);
      }
      assertThat(map.size()).isEqualTo(model.size());
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    map.writeTo(new DataOutputStream(bytes));
    LongLongMap copy = new LongLongMap();
    copy.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    for (LongLongMap m : List.of(map, copy)) {
      Map<Long, Long> seen = new HashMap<>();
      for (int slot = 0; slot < m.slots(); slot++) {
        if (m.valueAt(slot) != 0) {
          seen.put(m.keyAt(slot), m.valueAt(slot));
          assertThat(m.find(m.keyAt(slot))).isEqualTo(slot);
        }
      }
      assertThat(seen).isEqualTo(model);
    }
  }

  /**
   * A table keeps its capacity while its size swings between a burst and a thirty-second of it (a
   * NIC's ring mapped, then mostly unmapped), and halves only below that, down to the minimum once
   * empty.
   */
  @Test
  void aTableKeepsItsCapacityThroughASwingAndShrinksWhenNearlyEmpty() {
    LongLongMap map = new LongLongMap();
    for (int k = 0; k < 768; k++) {
      map.add(k * 4096L, 1);
    }
    assertThat(map.capacity()).isEqualTo(1024);
    for (int k = 767; k >= 32; k--) {
      map.deleteAt(map.find(k * 4096L));
    }
    assertThat(map.size()).isEqualTo(32);
    assertThat(map.capacity()).isEqualTo(1024);
    map.deleteAt(map.find(31 * 4096L));
    assertThat(map.capacity()).isEqualTo(512);
    for (int k = 30; k >= 0; k--) {
      map.deleteAt(map.find(k * 4096L));
    }
    assertThat(map.size()).isZero();
    assertThat(map.capacity()).isEqualTo(ProbeTable.MIN_CAPACITY);
  }
}
