package io.coiommu.producer.synthetic;

/** A VM of a {@link SimulatedVms} merge: its simulation, its place in the plan, its next time. */
final class PlannedVm {
  final VmSimulation vm;

  /** Index in the plan: breaks ties between VMs with events at the same time. */
  final int order;

  /** Time of the VM's next event, once started. */
  long nextTs;

  PlannedVm(VmSimulation vm, int order) {
    this.vm = vm;
    this.order = order;
  }
}
