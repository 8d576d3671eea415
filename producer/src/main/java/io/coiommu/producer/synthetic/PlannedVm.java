package io.coiommu.producer.synthetic;

/**
 * A VM of a {@link SimulatedVms} merge and its index in the plan, which breaks ties between VMs
 * with events at the same time.
 */
record PlannedVm(VmSimulation vm, int order) {}
