package io.coiommu.producer.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GuestPagesTest {

  @Test
  void freedPagesComeBackMostlyLastInFirstOutAndNeverTwiceAtOnce() {
    GuestPages pages = new GuestPages(1L << 30, new SplittableRandom(1));
    long a = pages.allocPage();
    long b = pages.allocPage();
    assertThat(b).isEqualTo(a + 1);
    int reused = 0;
    for (int i = 0; i < 1000; i++) {
      pages.freePage(b);
      long again = pages.allocPage();
      if (again == b) {
        reused++;
      }
      b = again;
    }
    // About GuestPages.REUSE of single-page allocations reuse the page just freed.
    assertThat(reused).isBetween(850, 950);
    Set<Long> held = new HashSet<>();
    pages.freeRun(a, 1);
    for (int i = 0; i < 5000; i++) {
      assertThat(held.add(pages.allocPage())).isTrue();
    }
  }

  @Test
  void aFreedRunIsOneEntryAndAlignmentHolds() {
    GuestPages pages = new GuestPages(1L << 30, new SplittableRandom(1));
    long first = pages.allocRun(512, 512);
    assertThat(first % 512).isZero();
    pages.freeRun(first, 512);
    Set<Long> got = new HashSet<>();
    for (int i = 0; i < 512; i++) {
      got.add(pages.allocPage());
    }
    // Allocations drew from the freed run or from untouched memory, never the same page twice.
    assertThat(got).hasSize(512);
  }

  @Test
  void runningOutOfGuestMemoryIsAClearError() {
    GuestPages pages = new GuestPages(64L << 20, new SplittableRandom(1));
    assertThatThrownBy(() -> pages.allocRun(1L << 20))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("give the VM more memory");
  }
}
