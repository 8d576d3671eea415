package io.coiommu.producer.synthetic;

import io.coiommu.producer.RejectStats;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.VmEvent;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalLong;

/**
 * Several simulated VMs merged into one stream in trace-time order (ties go to the VM planned
 * first, then to the event emitted first, so the merge is deterministic). A VM is started only when
 * the merge reaches its start time and dropped once it has stopped, so memory follows the VMs alive
 * at once, not the fleet.
 *
 * <p>The merge works a stretch of trace time (a slice) at a time: every VM with a step in the slice
 * runs to the slice's end, in plan order, into one {@link EventSlice}, which a stable sort by time
 * puts in the stream's order. A VM then runs for dozens of events while its state is in the CPU
 * caches, and ordering costs a few passes over the slice's times, where a merge event by event paid
 * a heap sift over every running VM, and a cold VM's state, per event. The slice's width follows
 * the fleet's event rate so that a slice holds about {@link #SLICE_EVENTS} events; it changes how
 * the work is cut, never the events or their order.
 */
public final class SimulatedVms implements TraceSource {

  /** Events a slice aims at: enough for many per VM visit, few enough to stay in the caches. */
  private static final int SLICE_EVENTS = 1 << 16;

  private static final long MIN_WIDTH_NS = 1_000;
  private static final long MAX_WIDTH_NS = 1L << 30;

  private final String description;
  private final RejectStats rejects;

  /** The plan's VMs by place; null once stopped, so a stopped VM's state can go. */
  private final VmSimulation[] vms;

  private final String[] names;
  private final String[] hosts;

  /** Per VM, the time of its next step (its start before it starts), MAX_VALUE once stopped. */
  private final long[] nextStepNs;

  private final EventSlice slice = new EventSlice();
  private long widthNs = 1_000_000;
  private long nextSliceNs;

  public SimulatedVms(String description, List<VmSimulation> vms) {
    this(description, vms, RejectStats.NONE);
  }

  /** For a fleet planned from an input file: {@code rejects} is what reading that file rejected. */
  public SimulatedVms(String description, List<VmSimulation> vms, RejectStats rejects) {
    this.description = description;
    this.rejects = rejects;
    int n = vms.size();
    this.vms = vms.toArray(new VmSimulation[0]);
    this.names = new String[n];
    this.hosts = new String[n];
    this.nextStepNs = new long[n];
    nextSliceNs = Long.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      names[i] = this.vms[i].vm();
      hosts[i] = this.vms[i].host();
      nextStepNs[i] = this.vms[i].startNs();
      nextSliceNs = Math.min(nextSliceNs, nextStepNs[i]);
    }
  }

  @Override
  public boolean hasNext() {
    while (!slice.hasNext()) {
      if (nextSliceNs == Long.MAX_VALUE) {
        return false;
      }
      fillSlice();
    }
    return true;
  }

  @Override
  public VmEvent next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    int vm = slice.nextVm();
    return new VmEvent(names[vm], slice.next(hosts[vm]));
  }

  /**
   * Runs every VM with a step in [{@link #nextSliceNs}, + width) to the slice's end, and orders
   * what they emitted.
   */
  private void fillSlice() {
    long from = nextSliceNs;
    long end = from + Math.min(widthNs, Long.MAX_VALUE - from);
    slice.begin(from);
    long next = Long.MAX_VALUE;
    for (int i = 0; i < vms.length; i++) {
      if (nextStepNs[i] < end) {
        VmSimulation vm = vms[i];
        vm.runUntil(end, slice, i);
        nextStepNs[i] = vm.nextStepNs();
        if (vm.stopped()) {
          vms[i] = null;
        }
      }
      next = Math.min(next, nextStepNs[i]);
    }
    nextSliceNs = next;
    int events = slice.size();
    // At most doubled per slice, so a quiet stretch does not make the next busy slice huge.
    long scaled = events <= SLICE_EVENTS / 2 ? 2 * widthNs : widthNs * SLICE_EVENTS / events;
    widthNs = Math.max(MIN_WIDTH_NS, Math.min(MAX_WIDTH_NS, scaled));
    slice.seal();
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
