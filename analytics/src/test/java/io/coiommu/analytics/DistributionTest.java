package io.coiommu.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DistributionTest {

  /** 1..1000: p50 = 500, p90 = 900, p99 = 990 within HdrHistogram's 0.1 %; min and max exact. */
  @Test
  void percentilesAcrossAPopulation() {
    List<Long> values = LongStream.rangeClosed(1, 1000).boxed().toList();
    Distribution d = Distribution.of(values, Long::doubleValue);
    assertThat(d.count()).isEqualTo(1000);
    assertThat(d.min()).isEqualTo(1);
    assertThat(d.max()).isEqualTo(1000);
    assertThat(d.p50()).isCloseTo(500, within(0.5));
    assertThat(d.p90()).isCloseTo(900, within(0.9));
    assertThat(d.p99()).isCloseTo(990, within(1.0));
    assertThat(d.rejected()).isZero();
  }

  @Test
  void aValueNoFigureCanHaveIsCountedNotFatal() {
    Distribution d = Distribution.of(List.of(4.0, -1.0, Double.NaN), x -> x);
    assertThat(d.count()).isEqualTo(1);
    assertThat(d.rejected()).isEqualTo(2);
    assertThat(d.max()).isEqualTo(4.0);
  }

  @Test
  void emptyPopulation() {
    assertThat(Distribution.of(List.<Double>of(), x -> x).count()).isZero();
  }
}
