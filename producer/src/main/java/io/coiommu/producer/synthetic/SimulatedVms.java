package io.coiommu.producer.synthetic;

import io.coiommu.producer.RejectStats;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.VmEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.PriorityQueue;

/**
 * Several simulated VMs merged into one stream in trace-time order (ties go to the VM planned
 * first, so the merge is deterministic). A VM is started only when the merge reaches its start time
 * and dropped once it has stopped, so memory follows the VMs alive at once, not the fleet.
 */
public final class SimulatedVms implements TraceSource {

  private final String description;

  /** Not yet started, by start time. */
  private final PriorityQueue<PlannedVm> waiting;

  /** Started, by the time of their next event. */
  private final RunningVms running = new RunningVms();

  private final RejectStats rejects;

  public SimulatedVms(String description, List<VmSimulation> vms) {
    this(description, vms, RejectStats.NONE);
  }

  /** For a fleet planned from an input file: {@code rejects} is what reading that file rejected. */
  public SimulatedVms(String description, List<VmSimulation> vms, RejectStats rejects) {
    this.description = description;
    this.rejects = rejects;
    Comparator<PlannedVm> byStart =
        Comparator.<PlannedVm>comparingLong(p -> p.vm().startNs())
            .thenComparingInt(PlannedVm::order);
    this.waiting = new PriorityQueue<>(Math.max(1, vms.size()), byStart);
    List<PlannedVm> planned = new ArrayList<>();
    for (int i = 0; i < vms.size(); i++) {
      planned.add(new PlannedVm(vms.get(i), i));
    }
    waiting.addAll(planned);
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
    VmSimulation head = running.top();
    VmEvent event = new VmEvent(head.vm(), head.next());
    if (head.hasNext()) {
      running.topMovedTo(head.peekTs());
    } else {
      running.removeTop();
    }
    return event;
  }

  /** Starts the VMs whose start time the merge has reached. */
  private void admit() {
    while (!waiting.isEmpty()
        && (running.isEmpty() || waiting.peek().vm().startNs() <= running.topTs())) {
      PlannedVm p = waiting.poll();
      if (p.vm().hasNext()) {
        running.add(p.vm(), p.order(), p.vm().peekTs());
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
