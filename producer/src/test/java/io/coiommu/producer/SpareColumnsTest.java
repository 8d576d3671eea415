package io.coiommu.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.EventColumns;
import org.junit.jupiter.api.Test;

class SpareColumnsTest {

  @Test
  void aBufferLargeEnoughIsTakenBeforeASmallerOne() {
    SpareColumns spare = new SpareColumns(10_000);
    EventColumns small = new EventColumns(64);
    EventColumns large = new EventColumns(4096);
    spare.put(large);
    spare.put(small);
    assertThat(spare.capacity()).isEqualTo(4160);
    assertThat(spare.take(1000)).isSameAs(large);
    assertThat(spare.take(1000)).as("the largest smaller one").isSameAs(small);
    EventColumns fresh = spare.take(1000);
    assertThat(fresh.capacity()).isEqualTo(1000);
    assertThat(spare.capacity()).isZero();
  }

  @Test
  void theSparesHoldNoMoreThanTheirBoundAndComeBackEmpty() {
    SpareColumns spare = new SpareColumns(5000);
    EventColumns first = new EventColumns(4096);
    first.add(Events.vmStop(5));
    spare.put(first);
    spare.put(new EventColumns(4096));
    assertThat(spare.capacity()).isEqualTo(4096);
    EventColumns again = spare.take(10);
    assertThat(again).isSameAs(first);
    assertThat(again.size()).isZero();
  }
}
