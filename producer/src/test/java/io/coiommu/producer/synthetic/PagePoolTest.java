package io.coiommu.producer.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PagePoolTest {

  /** Against the ArrayDeque it replaced, through growth while the ring has wrapped. */
  @Test
  void handsPagesOutFirstInFirstOutLikeAnArrayDeque() {
    SplittableRandom random = new SplittableRandom(3);
    PagePool pool = new PagePool();
    ArrayDeque<Long> reference = new ArrayDeque<>();
    for (int step = 0; step < 100_000; step++) {
      if (random.nextInt(5) < 3 || reference.isEmpty()) {
        long gfn = random.nextLong(1L << 40);
        pool.add(gfn);
        reference.add(gfn);
      } else {
        assertThat(pool.take()).isEqualTo(reference.poll());
      }
      assertThat(pool.isEmpty()).isEqualTo(reference.isEmpty());
    }
  }
}
