package io.coiommu.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.EventBatchBuilder;
import org.junit.jupiter.api.Test;

class SpareBuildersTest {

  @Test
  void aBuilderLargeEnoughIsTakenBeforeASmallerOne() {
    SpareBuilders spare = new SpareBuilders(100_000);
    EventBatchBuilder small = new EventBatchBuilder(1024);
    EventBatchBuilder large = new EventBatchBuilder(65_536);
    spare.put(large);
    spare.put(small);
    assertThat(spare.capacity()).isEqualTo(66_560);
    assertThat(spare.take(16_000)).isSameAs(large);
    assertThat(spare.take(16_000)).as("the largest smaller one").isSameAs(small);
    EventBatchBuilder fresh = spare.take(16_000);
    assertThat(fresh.capacity()).isEqualTo(16_000);
    assertThat(spare.capacity()).isZero();
  }

  @Test
  void theSparesHoldNoMoreThanTheirBoundAndComeBackEmpty() {
    SpareBuilders spare = new SpareBuilders(80_000);
    EventBatchBuilder first = new EventBatchBuilder(65_536);
    first.add(Events.vmStop(5));
    spare.put(first);
    spare.put(new EventBatchBuilder(65_536));
    assertThat(spare.capacity()).isEqualTo(65_536);
    EventBatchBuilder again = spare.take(160);
    assertThat(again).isSameAs(first);
    assertThat(again.size()).isZero();
  }
}
