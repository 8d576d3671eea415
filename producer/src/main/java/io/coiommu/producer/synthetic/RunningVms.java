package io.coiommu.producer.synthetic;

import java.util.Arrays;

/**
 * The started VMs of a {@link SimulatedVms} merge as a binary min-heap on (time of next event,
 * planned order). The order makes every key distinct, so the merge is the same whatever the heap's
 * shape. The keys live in their own arrays, so a sift over a thousand VMs reads a few cache lines
 * instead of one object per comparison, and the VM that just emitted stays at the top and sinks
 * only as far as its new time takes it: one sift per event instead of a poll and an add.
 */
final class RunningVms {

  private long[] ts = new long[16];
  private int[] order = new int[16];
  private VmSimulation[] vms = new VmSimulation[16];
  private int size;

  boolean isEmpty() {
    return size == 0;
  }

  /** The VM with the earliest next event; only when not empty. */
  VmSimulation top() {
    return vms[0];
  }

  /** Time of the top VM's next event; only when not empty. */
  long topTs() {
    return ts[0];
  }

  void add(VmSimulation vm, int plannedOrder, long nextTs) {
    if (size == ts.length) {
      ts = Arrays.copyOf(ts, 2 * size);
      order = Arrays.copyOf(order, 2 * size);
      vms = Arrays.copyOf(vms, 2 * size);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!before(nextTs, plannedOrder, parent)) {
        break;
      }
      move(parent, i);
      i = parent;
    }
    put(i, vm, plannedOrder, nextTs);
  }

  /** The top VM's next event is now at {@code nextTs} (not earlier): sink it to its place. */
  void topMovedTo(long nextTs) {
    siftDown(vms[0], order[0], nextTs);
  }

  /** Drops the top VM (it has stopped). */
  void removeTop() {
    int last = --size;
    VmSimulation vm = vms[last];
    vms[last] = null;
    if (size > 0) {
      siftDown(vm, order[last], ts[last]);
    }
  }

  private void siftDown(VmSimulation vm, int plannedOrder, long nextTs) {
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && before(ts[right], order[right], child)) {
        child = right;
      }
      if (!before(ts[child], order[child], nextTs, plannedOrder)) {
        break;
      }
      move(child, i);
      i = child;
    }
    put(i, vm, plannedOrder, nextTs);
  }

  private boolean before(long aTs, int aOrder, int slot) {
    return before(aTs, aOrder, ts[slot], order[slot]);
  }

  private static boolean before(long aTs, int aOrder, long bTs, int bOrder) {
    return aTs < bTs || (aTs == bTs && aOrder < bOrder);
  }

  private void move(int from, int to) {
    put(to, vms[from], order[from], ts[from]);
  }

  private void put(int slot, VmSimulation vm, int plannedOrder, long nextTs) {
    vms[slot] = vm;
    order[slot] = plannedOrder;
    ts[slot] = nextTs;
  }
}
