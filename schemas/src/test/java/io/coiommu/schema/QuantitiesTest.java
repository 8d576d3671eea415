package io.coiommu.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QuantitiesTest {

  @Test
  void durationsTakeFractionsHoursAndBareSeconds() {
    assertThat(Quantities.nanos("10")).isEqualTo(10_000_000_000L);
    assertThat(Quantities.nanos("1.5s")).isEqualTo(1_500_000_000L);
    assertThat(Quantities.nanos("1h")).isEqualTo(3_600_000_000_000L);
    assertThat(Quantities.nanos("250us")).isEqualTo(250_000L);
    assertThat(Quantities.nanos("7ns")).isEqualTo(7L);
    assertThat(Quantities.nanos("10m")).isEqualTo(600_000_000_000L);
  }

  @Test
  void wholeNumbersAreExactAndOverflowIsAnError() {
    assertThat(Quantities.nanos("9007199254740993ns")).isEqualTo(9_007_199_254_740_993L);
    assertThatThrownBy(() -> Quantities.nanos("9223372036854775807s"))
        .hasMessageContaining("too large");
    assertThatThrownBy(() -> Quantities.nanos("10x")).hasMessageContaining("unit");
  }

  @Test
  void sizesAreBinary() {
    assertThat(Quantities.bytes("16g")).isEqualTo(16L << 30);
    assertThat(Quantities.bytes("512MiB")).isEqualTo(512L << 20);
    assertThat(Quantities.bytes("4096")).isEqualTo(4096L);
  }
}
