package io.coiommu.launcher.bench;

import java.util.ArrayList;
import java.util.List;

/** The {@code fleet} workload specs the bench derives from the one it is given. */
final class FleetSpecs {

  private static final String FLEET = "fleet";

  private FleetSpecs() {}

  static boolean isFleet(String workload) {
    return workload.equals(FLEET) || workload.startsWith(FLEET + ":");
  }

  /**
   * The same fleet spec (mix, duration, seed, load) on one host with 10 VMs: the reference whose
   * per-event engine cost a large fleet must keep (issue #14).
   */
  static String tenVms(String workload) {
    List<String> params = new ArrayList<>();
    int colon = workload.indexOf(':');
    if (colon >= 0) {
      for (String p : workload.substring(colon + 1).split(",")) {
        if (!p.isBlank() && !p.startsWith("hosts=") && !p.startsWith("vms=")) {
          params.add(p);
        }
      }
    }
    params.add(0, "vms=10");
    params.add(0, "hosts=1");
    return FLEET + ":" + String.join(",", params);
  }
}
