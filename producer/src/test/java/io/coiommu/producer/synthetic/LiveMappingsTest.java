package io.coiommu.producer.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LiveMappingsTest {

  /**
   * Against a LinkedHashMap, the structure it replaced: page-aligned iovas from a small range, so
   * probe runs collide, wrap around the table and are cut by removals.
   */
  @Test
  void findsWhatIsMappedAndTearsDownInMappingOrderThroughCollisionsAndRemovals() {
    SplittableRandom random = new SplittableRandom(11);
    LiveMappings live = new LiveMappings();
    Map<Long, Long> reference = new LinkedHashMap<>();
    for (int step = 0; step < 200_000; step++) {
      long iova = (1L << 20) + (random.nextInt(3000) << 12);
      Long gpa = reference.get(iova);
      int e = live.find(iova);
      if (gpa == null) {
        assertThat(e).isEqualTo(-1);
        if (random.nextInt(3) > 0) {
          live.add(iova, step, 4096, false, step);
          reference.put(iova, (long) step);
        }
      } else {
        assertThat(e).isNotNegative();
        assertThat(live.gpa(e)).isEqualTo(gpa);
        assertThat(live.iova(e)).isEqualTo(iova);
        if (random.nextInt(3) == 0) {
          live.remove(e);
          reference.remove(iova);
        }
      }
      assertThat(live.size()).isEqualTo(reference.size());
    }
    List<Long> order = new ArrayList<>();
    for (int e = live.first(); e >= 0; e = live.after(e)) {
      order.add(live.iova(e));
    }
    assertThat(order).containsExactlyElementsOf(reference.keySet());
    live.clear();
    assertThat(live.first()).isEqualTo(-1);
    assertThat(live.find(order.get(0))).isEqualTo(-1);
  }

  @Test
  void refusesToMapAnIovaTwice() {
    LiveMappings live = new LiveMappings();
    live.add(1L << 20, 0, 4096, true, 0);
    assertThatThrownBy(() -> live.add(1L << 20, 0, 4096, true, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("0x100000 mapped twice");
  }
}
