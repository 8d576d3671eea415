package io.coiommu.producer.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LiveMappingsTest {

  /**
   * Against a LinkedHashMap by handle: mappings made and unmapped at random, so entries are reused
   * many times; every handle unmapped stays refused, and teardown goes in mapping order.
   */
  @Test
  void findsWhatIsMappedRefusesStaleHandlesAndTearsDownInMappingOrder() {
    SplittableRandom random = new SplittableRandom(11);
    LiveMappings live = new LiveMappings();
    Map<Long, Long> reference = new LinkedHashMap<>();
    List<Long> handles = new ArrayList<>();
    List<Long> unmapped = new ArrayList<>();
    for (int step = 0; step < 200_000; step++) {
      if (reference.isEmpty() || random.nextInt(2) == 0) {
        long iova = (1L << 20) + ((long) step << 12);
        long handle = live.add(iova, step, 4096, false, step);
        assertThat(reference).doesNotContainKey(handle);
        reference.put(handle, iova);
        handles.add(handle);
      } else {
        int i = random.nextInt(handles.size());
        long handle = handles.get(i);
        handles.set(i, handles.get(handles.size() - 1));
        handles.remove(handles.size() - 1);
        int e = live.entry(handle);
        assertThat(e).isNotNegative();
        assertThat(live.iova(e)).isEqualTo(reference.get(handle));
        assertThat(live.gpa(e)).isEqualTo((reference.get(handle) - (1L << 20)) >>> 12);
        live.remove(e);
        reference.remove(handle);
        unmapped.add(handle);
      }
      assertThat(live.size()).isEqualTo(reference.size());
    }
    assertThat(unmapped).allSatisfy(h -> assertThat(live.entry(h)).isEqualTo(-1));
    List<Long> order = new ArrayList<>();
    for (int e = live.first(); e >= 0; e = live.after(e)) {
      order.add(live.iova(e));
    }
    assertThat(order).containsExactlyElementsOf(reference.values());
    live.clear();
    assertThat(live.first()).isEqualTo(-1);
    assertThat(handles).allSatisfy(h -> assertThat(live.entry(h)).isEqualTo(-1));
  }
}
