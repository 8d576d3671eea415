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
  private final PriorityQueue<Planned> waiting;

  /** Started, by the time of their next event. */
  private final PriorityQueue<Planned> running;

  private final RejectStats rejects;

  public SimulatedVms(String description, List<VmSimulation> vms) {
    this(description, vms, RejectStats.NONE);
  }

  /** For a fleet planned from an input file: {@code rejects} is what reading that file rejected. */
  public SimulatedVms(String description, List<VmSimulation> vms, RejectStats rejects) {
    this.description = description;
    this.rejects = rejects;
    Comparator<Planned> byStart =
        Comparator.<Planned>comparingLong(p -> p.vm.startNs()).thenComparingInt(p -> p.order);
    Comparator<Planned> byNext =
        Comparator.<Planned>comparingLong(p -> p.nextTs).thenComparingInt(p -> p.order);
    this.waiting = new PriorityQueue<>(Math.max(1, vms.size()), byStart);
    this.running = new PriorityQueue<>(Math.max(1, vms.size()), byNext);
    List<Planned> planned = new ArrayList<>();
    for (int i = 0; i < vms.size(); i++) {
      planned.add(new Planned(vms.get(i), i));
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
    Planned head = running.poll();
    VmEvent event = new VmEvent(head.vm.vm(), head.vm.next());
    if (head.vm.hasNext()) {
      head.nextTs = head.vm.peekTs();
      running.add(head);
    }
    return event;
  }

  /** Starts the VMs whose start time the merge has reached. */
  private void admit() {
    while (!waiting.isEmpty()
        && (running.isEmpty() || waiting.peek().vm.startNs() <= running.peek().nextTs)) {
      Planned p = waiting.poll();
      if (p.vm.hasNext()) {
        p.nextTs = p.vm.peekTs();
        running.add(p);
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

  private static final class Planned {
    final VmSimulation vm;
    final int order;
    long nextTs;

    Planned(VmSimulation vm, int order) {
      this.vm = vm;
      this.order = order;
    }
  }
}
