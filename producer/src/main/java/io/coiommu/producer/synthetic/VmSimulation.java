package io.coiommu.producer.synthetic;

import io.coiommu.schema.DmaDirection;
import io.coiommu.schema.EventType;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One synthetic VM as a discrete-event simulation on trace time: {@link Activity activities} (a
 * NIC, a disk, a balloon...) schedule actions on a shared agenda, and actions emit events at the
 * moment they run. Because actions run in time order, emitted events are in time order; the agenda
 * only holds what is in flight, so a VM of any length runs in constant memory.
 *
 * <p>The VM emits VM_START at its start time, then its activities' events, and at its stop time the
 * activities' teardown (unmapping what is still mapped) and VM_STOP. It is run by {@link
 * SimulatedVms} a stretch of trace time at a time, emitting into that stretch's {@link EventSlice}:
 * a VM's events depend only on its own seed and actions, never on how its run is cut.
 */
public final class VmSimulation {

  private enum Phase {
    NOT_STARTED,
    RUNNING,
    STOPPED
  }

  private final String vm;
  private final String host;
  private final long guestBytes;
  private final long startNs;
  private final long stopNs;
  private final Activity[] activities;
  private final SplittableRandom random;
  private final TimeOrder agenda = new TimeOrder();
  private GuestPages pages;
  private Phase phase = Phase.NOT_STARTED;
  private long now;
  private long actionOrder;
  private long nextCallId = 1;

  /** Where events go while the VM runs, and the VM's place in its fleet's plan. */
  private EventSlice out;

  private int place;

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
    this.activities = activities.toArray(new Activity[0]);
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
   * Has {@code who} (one of this VM's activities) do {@code action} with {@code arg} at trace time
   * {@code tsNs} (not before now), through {@link Activity#act}; actions at or after the stop time
   * never run.
   */
  public void at(long tsNs, Activity who, int action, long arg) {
    int index = 0;
    while (activities[index] != who) {
      index++;
    }
    agenda.add(Math.max(tsNs, now), actionOrder++, (long) index << 32 | action, arg);
  }

  /** An exponentially distributed delay with the given mean, at least 1 ns. */
  public long exponentialNs(double meanNs) {
    return Math.max(1, (long) (-Math.log(1 - random.nextDouble()) * meanNs));
  }

  /** The id under which this VM's events name device {@code bdf}. */
  int deviceId(String bdf) {
    return out.deviceId(bdf);
  }

  /** Emits a DMA event of device {@code device} (an id from {@link #deviceId}) stamped now. */
  void emitDma(
      EventType type, int device, long iova, long gpa, long bytes, DmaDirection dir, long callId) {
    out.add(place, type, now, device, iova, gpa, bytes, dir, callId);
  }

  /** Emits a balloon request for the range at {@code gpa} stamped now. */
  void emitBalloon(EventType type, long gpa, long bytes) {
    out.add(place, type, now, 0, 0, gpa, bytes, DmaDirection.BIDIRECTIONAL, 0);
  }

  // ---- running ----

  /** Whether the VM has emitted its VM_STOP. */
  boolean stopped() {
    return phase == Phase.STOPPED;
  }

  /**
   * Trace time of the VM's next step (its start, its next action, or its stop), which stamps every
   * event of that step; {@code Long.MAX_VALUE} once stopped.
   */
  long nextStepNs() {
    return switch (phase) {
      case NOT_STARTED -> startNs;
      case RUNNING ->
          agenda.isEmpty() || agenda.firstTs() >= stopNs ? Math.max(now, stopNs) : agenda.firstTs();
      case STOPPED -> Long.MAX_VALUE;
    };
  }

  /**
   * Runs every step before {@code endNs}, emitting into {@code slice} as VM number {@code vmPlace}
   * of the plan.
   */
  void runUntil(long endNs, EventSlice slice, int vmPlace) {
    out = slice;
    place = vmPlace;
    while (phase != Phase.STOPPED && nextStepNs() < endNs) {
      step();
    }
    out = null;
  }

  /** Starts the VM, runs its next action, or stops it. */
  private void step() {
    if (phase == Phase.NOT_STARTED) {
      now = startNs;
      pages = new GuestPages(guestBytes, random);
      out.add(place, EventType.VM_START, now, 0, 0, 0, guestBytes, DmaDirection.BIDIRECTIONAL, 0);
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
      out.add(place, EventType.VM_STOP, now, 0, 0, 0, 0, DmaDirection.BIDIRECTIONAL, 0);
      pages = null;
      phase = Phase.STOPPED;
      return;
    }
    now = agenda.firstTs();
    long what = agenda.firstWhat();
    long arg = agenda.firstArg();
    agenda.poll();
    activities[(int) (what >>> 32)].act(this, (int) what, arg);
  }
}
