package io.coiommu.producer.synthetic;

import java.util.Arrays;

/**
 * The started VMs of a {@link SimulatedVms} merge as a binary min-heap on (time of next event,
 * planned order). The order makes every key distinct, so the merge is the same whatever the heap's
 * shape. Unlike a {@code PriorityQueue} with a comparator chain, it compares two longs inline and
 * lets the VM that just emitted stay at the top and sink only as far as its new time takes it: one
 * sift per event instead of a poll and an add.
 */
final class RunningVms {

  private PlannedVm[] heap = new PlannedVm[16];
  private int size;

  boolean isEmpty() {
    return size == 0;
  }

  /** The VM with the earliest next event; only when not empty. */
  PlannedVm top() {
    return heap[0];
  }

  void add(PlannedVm p) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, 2 * size);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!before(p, heap[parent])) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = p;
  }

  /** The top VM's next event time grew: move it down to its place. */
  void topMovedLater() {
    siftDown(heap[0]);
  }

  /** Drops the top VM (it has stopped). */
  void removeTop() {
    PlannedVm last = heap[--size];
    heap[size] = null;
    if (size > 0) {
      siftDown(last);
    }
  }

  private void siftDown(PlannedVm p) {
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && before(heap[right], heap[child])) {
        child = right;
      }
      if (!before(heap[child], p)) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = p;
  }

  private static boolean before(PlannedVm a, PlannedVm b) {
    return a.nextTs < b.nextTs || (a.nextTs == b.nextTs && a.order < b.order);
  }
}
