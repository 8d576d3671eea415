package io.coiommu.analytics;

import io.coiommu.schema.WindowResult;
import java.util.Collection;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One scenario over the run: its VMs, its hosts and its fleet. Sorted maps keep every output in one
 * order whatever the arrival order.
 */
public final class ScenarioRun {

  static final String FLEET = "fleet";

  private final String scenario;
  private final long windowNanos;
  private final SortedMap<String, VmRun> vms = new TreeMap<>();
  private final SortedMap<String, VmGroup> hosts = new TreeMap<>();
  private final VmGroup fleet;

  ScenarioRun(String scenario, long windowNanos) {
    this.scenario = scenario;
    this.windowNanos = windowNanos;
    this.fleet = new VmGroup(FLEET, windowNanos);
  }

  void add(WindowResult r, Consumer<ContractViolation> violations) {
    VmRun vm = vms.get(r.getVm());
    if (vm == null) {
      vm = new VmRun(scenario, r.getVm(), windowNanos);
      vms.put(r.getVm(), vm);
      fleet.join(vm);
      // A VM belongs to the host of its first record; a later change of host is a contract
      // violation.
      hosts.computeIfAbsent(r.getHost(), h -> new VmGroup(h, windowNanos)).join(vm);
    }
    vm.add(r, violations);
    hosts.get(vm.host()).add(r);
    fleet.add(r);
  }

  /** Full scenario spec with every parameter. */
  public String scenario() {
    return scenario;
  }

  /** Policy name: the spec up to its first ':'. */
  public String policy() {
    return ScenarioLabels.policy(scenario);
  }

  public Collection<VmRun> vms() {
    return Collections.unmodifiableCollection(vms.values());
  }

  public VmRun vm(String vm) {
    return vms.get(vm);
  }

  public Collection<VmGroup> hosts() {
    return Collections.unmodifiableCollection(hosts.values());
  }

  public VmGroup host(String host) {
    return hosts.get(host);
  }

  public VmGroup fleet() {
    return fleet;
  }
}
