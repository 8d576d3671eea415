package io.coiommu.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NamedSpecTest {

  @Test
  void nameAndKeysAreLowerCasedValuesKeptAsWritten() {
    NamedSpec s = NamedSpec.parse(" NIC:PPS=5000, device=0000:03:00.0 , file=/Tmp/A ", "workload");
    assertThat(s.name()).isEqualTo("nic");
    assertThat(s.params())
        .containsExactly(
            Map.entry("pps", "5000"),
            Map.entry("device", "0000:03:00.0"),
            Map.entry("file", "/Tmp/A"));
    assertThat(NamedSpec.parse("oracle", "scenario").params()).isEmpty();
  }

  @Test
  void aPairThatIsNotKeyValueOrAKeyGivenTwiceIsRefusedNamingTheSpec() {
    assertThatThrownBy(() -> NamedSpec.parse("nic:pps", "workload"))
        .hasMessageContaining("workload 'nic:pps'")
        .hasMessageContaining("KEY=VALUE");
    assertThatThrownBy(() -> NamedSpec.parse("nic:pps=1,PPS=2", "workload"))
        .hasMessageContaining("given twice");
    assertThatThrownBy(() -> NamedSpec.parse(":x=1", "workload"))
        .hasMessageContaining("empty workload spec");
    assertThatThrownBy(() -> NamedSpec.params("pin=", "costs"))
        .hasMessageContaining("costs: expected KEY=VALUE");
  }
}
