package io.coiommu.producer.synthetic;

import io.coiommu.producer.RejectStats;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.VmEvent;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalLong;

/**
 * Several simulated VMs merged into one stream in trace-time order (ties go to the VM planned
 * first, so the merge is deterministic). A VM is started only when the merge reaches its start time
 * and dropped once it has stopped, so memory follows the VMs alive at once, not the fleet.
 */
public final class SimulatedVms implements TraceSource {

  private final String description;

  /** Not yet started, by start time, then place in the plan. */
  private final TimeOrder<VmSimulation> waiting = new TimeOrder<>();

  /** Started, by the time of their next event, then place in the plan. */
  private final TimeOrder<VmSimulation> running = new TimeOrder<>();

  private final RejectStats rejects;

  public SimulatedVms(String description, List<VmSimulation> vms) {
    this(description, vms, RejectStats.NONE);
  }

  /** For a fleet planned from an input file: {@code rejects} is what reading that file rejected. */
  public SimulatedVms(String description, List<VmSimulation> vms, RejectStats rejects) {
    this.description = description;
    this.rejects = rejects;
    for (int i = 0; i < vms.size(); i++) {
      waiting.add(vms.get(i).startNs(), i, vms.get(i));
    }
  }

  @Override
  public boolean hasNext() {
    admit();
    return !running.isEmpty();
  }

  @Override
  public VmEvent next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    VmSimulation head = running.first();
    VmEvent event = new VmEvent(head.vm(), head.next());
    if (head.hasNext()) {
      running.firstMovedTo(head.peekTs());
    } else {
      running.poll();
    }
    return event;
  }

  /** Starts the VMs whose start time the merge has reached. */
  private void admit() {
    while (!waiting.isEmpty() && (running.isEmpty() || waiting.firstTs() <= running.firstTs())) {
      long order = waiting.firstOrder();
      VmSimulation vm = waiting.poll();
      if (vm.hasNext()) {
        running.add(vm.peekTs(), order, vm);
      }
    }
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public OptionalLong expectedEvents() {
    return OptionalLong.empty();
  }

  @Override
  public RejectStats rejects() {
    return rejects;
  }
}
