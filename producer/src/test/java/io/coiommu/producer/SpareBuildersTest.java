package io.coiommu.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.EventBatchBuilder;
import org.junit.jupiter.api.Test;

class SpareBuildersTest {

  @Test
  void aBuilderLargeEnoughIsTakenBeforeASmallerOne() {
    SpareBuilders spare = new SpareBuilders(10_000);
    EventBatchBuilder small = new EventBatchBuilder(64);
    EventBatchBuilder large = new EventBatchBuilder(4096);
    spare.put(large);
    spare.put(small);
    assertThat(spare.capacity()).isEqualTo(4160);
    assertThat(spare.take(1000)).isSameAs(large);
    assertThat(spare.take(1000)).as("the largest smaller one").isSameAs(small);
    EventBatchBuilder fresh = spare.take(1000);
    assertThat(fresh.capacity()).isEqualTo(1000);
    assertThat(spare.capacity()).isZero();
  }

  @Test
  void theSparesHoldNoMoreThanTheirBoundAndComeBackEmpty() {
    SpareBuilders spare = new SpareBuilders(5000);
    EventBatchBuilder first = new EventBatchBuilder(4096);
    first.add(Events.vmStop(5));
    spare.put(first);
    spare.put(new EventBatchBuilder(4096));
    assertThat(spare.capacity()).isEqualTo(4096);
    EventBatchBuilder again = spare.take(10);
    assertThat(again).isSameAs(first);
    assertThat(again.size()).isZero();
  }
}
