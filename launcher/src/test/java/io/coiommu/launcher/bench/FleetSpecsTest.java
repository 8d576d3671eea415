package io.coiommu.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The 10-VM reference of a fleet keeps every parameter but the hosts and VMs. */
class FleetSpecsTest {

  @Test
  void tenVmsKeepsTheMixDurationAndSeed() {
    assertThat(FleetSpecs.tenVms("fleet:hosts=50,vms=1000,duration=10s,seed=3,nic=2"))
        .isEqualTo("fleet:hosts=1,vms=10,duration=10s,seed=3,nic=2");
  }

  @Test
  void aBareFleetGetsHostsAndVms() {
    assertThat(FleetSpecs.tenVms("fleet")).isEqualTo("fleet:hosts=1,vms=10");
  }

  @Test
  void onlyFleetsAreFleets() {
    assertThat(FleetSpecs.isFleet("fleet:vms=5")).isTrue();
    assertThat(FleetSpecs.isFleet("fleet")).isTrue();
    assertThat(FleetSpecs.isFleet("sample:duration=360s")).isFalse();
    assertThat(FleetSpecs.isFleet("fleetish")).isFalse();
  }
}
