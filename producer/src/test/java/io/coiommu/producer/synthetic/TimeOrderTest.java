package io.coiommu.producer.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimeOrderTest {

  private record Item(long ts, long order, long what, long arg) {}

  /**
   * Against a PriorityQueue on (time, order), with ties on time; each entry's numbers ride along.
   */
  @Test
  void yieldsEntriesByTimeThenOrderLikeAPriorityQueue() {
    SplittableRandom random = new SplittableRandom(5);
    TimeOrder heap = new TimeOrder();
    PriorityQueue<Item> reference =
        new PriorityQueue<>(Comparator.comparingLong(Item::ts).thenComparingLong(Item::order));
    long order = 0;
    for (int step = 0; step < 100_000; step++) {
      if (random.nextInt(2) == 0 || reference.isEmpty()) {
        Item item = new Item(random.nextInt(50), order++, random.nextLong(), random.nextLong());
        heap.add(item.ts(), item.order(), item.what(), item.arg());
        reference.add(item);
      } else {
        reference.poll();
        heap.poll();
      }
      assertThat(heap.isEmpty()).isEqualTo(reference.isEmpty());
      if (!reference.isEmpty()) {
        assertThat(heap.firstTs()).isEqualTo(reference.peek().ts());
        assertThat(heap.firstWhat()).isEqualTo(reference.peek().what());
        assertThat(heap.firstArg()).isEqualTo(reference.peek().arg());
      }
    }
    heap.clear();
    assertThat(heap.isEmpty()).isTrue();
  }
}
