package io.coiommu.producer.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TimeRadixSortTest {

  /**
   * Against the JDK's stable object sort, on keys of one to three digits with many ties, reusing
   * one sorter across sizes as the fleet's slices do.
   */
  @Test
  void ordersPositionsByKeyKeepingTiesInPositionOrder() {
    SplittableRandom random = new SplittableRandom(7);
    TimeRadixSort sort = new TimeRadixSort();
    int[] bounds = {1, 5, 2048, 3000, 1 << 22, 1 << 30};
    for (int round = 0; round < 60; round++) {
      int n = random.nextInt(1, 20_000);
      int bound = bounds[round % bounds.length];
      int[] keys = new int[n + 10];
      int max = 0;
      for (int i = 0; i < n; i++) {
        // Runs of non-decreasing keys, as a slice holds one run per VM, plus plain ties.
        keys[i] = random.nextInt(4) == 0 ? random.nextInt(bound) : keys[Math.max(0, i - 1)];
        max = Math.max(max, keys[i]);
      }
      Integer[] expected = IntStream.range(0, n).boxed().toArray(Integer[]::new);
      Arrays.sort(expected, Comparator.comparingInt(p -> keys[p]));
      int[] order = Arrays.copyOf(sort.stableOrder(keys, n, max), n);
      assertThat(order).as("n=%d, keys below %d", n, bound).containsExactly(unbox(expected));
    }
  }

  private static int[] unbox(Integer[] boxed) {
    return Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
  }
}
