package io.coiommu.producer.synthetic;

import io.coiommu.producer.Events;
import io.coiommu.schema.TraceEvent;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * One synthetic VM as a discrete-event simulation on trace time: {@link Activity activities} (a
 * NIC, a disk, a balloon...) schedule actions on a shared agenda, and actions emit events at the
 * moment they run. Because actions run in time order, emitted events are in time order; the agenda
 * only holds what is in flight, so a VM of any length runs in constant memory.
 *
 * <p>The VM emits VM_START at its start time, then its activities' events, and at its stop time the
 * activities' teardown (unmapping what is still mapped) and VM_STOP.
 */
public final class VmSimulation implements Iterator<TraceEvent> {

  private enum Phase {
    NOT_STARTED,
    RUNNING,
    STOPPED
  }

  /** Events simulated ahead of delivery, at most (one action may emit more). */
  private static final int RUN_AHEAD = 64;

  private final String vm;
  private final String host;
  private final long guestBytes;
  private final long startNs;
  private final long stopNs;
  private final List<Activity> activities;
  private final SplittableRandom random;
  private final TimeOrder<Runnable> agenda = new TimeOrder<>();
  private final ArrayDeque<TraceEvent> ready = new ArrayDeque<>();
  private GuestPages pages;
  private Phase phase = Phase.NOT_STARTED;
  private long now;
  private long actionOrder;
  private long nextCallId = 1;

  public VmSimulation(
      String vm,
      String host,
      long guestBytes,
      long startNs,
      long stopNs,
      long seed,
      List<Activity> activities) {
    if (stopNs < startNs) {
      throw new IllegalArgumentException("VM " + vm + " stops before it starts");
    }
    this.vm = vm;
    this.host = host;
    this.guestBytes = guestBytes;
    this.startNs = startNs;
    this.stopNs = stopNs;
    this.activities = List.copyOf(activities);
    this.random = new SplittableRandom(seed);
  }

  public String vm() {
    return vm;
  }

  public String host() {
    return host;
  }

  public long guestBytes() {
    return guestBytes;
  }

  public long startNs() {
    return startNs;
  }

  public long stopNs() {
    return stopNs;
  }

  // ---- for activities ----

  /** Trace time of the action running now. */
  public long now() {
    return now;
  }

  public SplittableRandom random() {
    return random;
  }

  public GuestPages pages() {
    return pages;
  }

  /** A fresh guest DMA-API call id; the ranges of one scatter-gather call share it. */
  public long newCallId() {
    return nextCallId++;
  }

  /**
   * Runs {@code action} at trace time {@code tsNs} (not before now); actions at or after the stop
   * time never run.
   */
  public void at(long tsNs, Runnable action) {
    agenda.add(Math.max(tsNs, now), actionOrder++, action);
  }

  /** Emits an event stamped now. */
  public void emit(TraceEvent event) {
    ready.add(event);
  }

  /** An exponentially distributed delay with the given mean, at least 1 ns. */
  public long exponentialNs(double meanNs) {
    return Math.max(1, (long) (-Math.log(1 - random.nextDouble()) * meanNs));
  }

  // ---- iteration ----

  @Override
  public boolean hasNext() {
    fill();
    return !ready.isEmpty();
  }

  @Override
  public TraceEvent next() {
    if (!hasNext()) {
      throw new NoSuchElementException(vm + " has stopped");
    }
    return ready.poll();
  }

  /** Trace time of the next event; call only when {@link #hasNext()}. */
  public long peekTs() {
    fill();
    return ready.isEmpty() ? Long.MAX_VALUE : ready.peek().getTsNs();
  }

  /**
   * Simulates ahead once everything simulated has been delivered. In a fleet the merge takes the
   * next event from a different VM almost every time; running one VM for a stretch of events keeps
   * its state in the CPU caches while it runs. The events are the same: a VM's events depend only
   * on its own seed and actions, never on when they are pulled.
   */
  private void fill() {
    if (!ready.isEmpty()) {
      return;
    }
    while (ready.size() < RUN_AHEAD && phase != Phase.STOPPED) {
      step();
    }
  }

  /** Starts the VM, runs its next action, or stops it. */
  private void step() {
    if (phase == Phase.NOT_STARTED) {
      now = startNs;
      pages = new GuestPages(guestBytes, random);
      emit(Events.vmStart(now, host, guestBytes));
      for (Activity a : activities) {
        a.start(this);
      }
      phase = Phase.RUNNING;
      return;
    }
    if (agenda.isEmpty() || agenda.firstTs() >= stopNs) {
      agenda.clear();
      now = Math.max(now, stopNs);
      for (Activity a : activities) {
        a.stop(this);
      }
      emit(Events.vmStop(now));
      pages = null;
      phase = Phase.STOPPED;
      return;
    }
    now = agenda.firstTs();
    agenda.poll().run();
  }
}
