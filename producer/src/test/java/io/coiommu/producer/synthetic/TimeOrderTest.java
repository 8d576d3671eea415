package io.coiommu.producer.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimeOrderTest {

  private record Item(long ts, long order) {}

  /** Against a PriorityQueue on (time, order), with ties on time and first items moved later. */
  @Test
  void yieldsItemsByTimeThenOrderLikeAPriorityQueue() {
    SplittableRandom random = new SplittableRandom(5);
    TimeOrder<Item> heap = new TimeOrder<>();
    PriorityQueue<Item> reference =
        new PriorityQueue<>(Comparator.comparingLong(Item::ts).thenComparingLong(Item::order));
    long order = 0;
    for (int step = 0; step < 100_000; step++) {
      int op = random.nextInt(3);
      if (op == 0 || reference.isEmpty()) {
        Item item = new Item(random.nextInt(50), order++);
        heap.add(item.ts(), item.order(), item);
        reference.add(item);
      } else if (op == 1) {
        // A moved item keeps its object, so compare by order, which identifies it.
        assertThat(heap.poll().order()).isEqualTo(reference.poll().order());
      } else {
        Item first = reference.poll();
        Item later = new Item(first.ts() + random.nextInt(20), first.order());
        heap.firstMovedTo(later.ts());
        reference.add(later);
      }
      assertThat(heap.isEmpty()).isEqualTo(reference.isEmpty());
      if (!reference.isEmpty()) {
        assertThat(heap.firstTs()).isEqualTo(reference.peek().ts());
        assertThat(heap.firstOrder()).isEqualTo(reference.peek().order());
      }
    }
  }
}
