package io.coiommu.producer;

import io.coiommu.schema.EventType;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

/**
 * Ends every VM that a trace leaves running with a VM_STOP at the VM's last event time.
 *
 * <p>A recorded trace simply stops; without a stop the processor cannot know that a VM's last
 * window is complete, and a run would wait for results forever. Stopping at the last seen event
 * adds no trace time, so every metric keeps the value the recording supports. VMs are stopped in
 * name order so the appended events are the same on every replay.
 */
public final class EndOfTrace extends ForwardingTraceSource {

  /** VMs started and not stopped, with their latest event time (a holder: no boxing per event). */
  private final Map<String, long[]> running = new HashMap<>();

  private String lastVm;
  private long[] lastVmTs;
  private Deque<VmEvent> stops;

  private EndOfTrace(TraceSource delegate) {
    super(delegate);
  }

  public static TraceSource stopOpenVms(TraceSource source) {
    return source instanceof EndOfTrace ? source : new EndOfTrace(source);
  }

  @Override
  public boolean hasNext() {
    if (stops == null && delegate.hasNext()) {
      return true;
    }
    if (stops == null) {
      stops = new ArrayDeque<>();
      new TreeMap<>(running).forEach((vm, ts) -> stops.add(new VmEvent(vm, Events.vmStop(ts[0]))));
    }
    return !stops.isEmpty();
  }

  @Override
  public VmEvent next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    if (stops != null) {
      return stops.removeFirst();
    }
    VmEvent e = delegate.next();
    EventType type = e.event().getType();
    if (type == EventType.VM_START) {
      running.put(e.vm(), new long[] {e.event().getTsNs()});
      lastVm = null;
    } else if (type == EventType.VM_STOP) {
      running.remove(e.vm());
      lastVm = null;
    } else {
      // Consecutive events mostly belong to one VM: look it up only when the VM changes.
      if (!e.vm().equals(lastVm)) {
        lastVm = e.vm();
        lastVmTs = running.get(lastVm);
      }
      if (lastVmTs != null && e.event().getTsNs() > lastVmTs[0]) {
        lastVmTs[0] = e.event().getTsNs();
      }
    }
    return e;
  }
}
