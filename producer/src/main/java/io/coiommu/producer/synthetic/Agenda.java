package io.coiommu.producer.synthetic;

import java.util.Arrays;

/**
 * A VM's scheduled actions as a binary min-heap on (trace time, scheduling order). The order makes
 * every key distinct, so actions run in the same sequence whatever the heap's shape. Keys live in
 * arrays beside the actions: scheduling an action allocates nothing but the action itself, and a
 * sift compares longs instead of following a pointer per comparison.
 */
final class Agenda {

  private long[] ts = new long[16];
  private long[] order = new long[16];
  private Runnable[] actions = new Runnable[16];
  private int size;

  boolean isEmpty() {
    return size == 0;
  }

  /** Time of the earliest action; only when not empty. */
  long firstTs() {
    return ts[0];
  }

  void add(long atNs, long scheduledOrder, Runnable action) {
    if (size == ts.length) {
      ts = Arrays.copyOf(ts, 2 * size);
      order = Arrays.copyOf(order, 2 * size);
      actions = Arrays.copyOf(actions, 2 * size);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!before(atNs, scheduledOrder, ts[parent], order[parent])) {
        break;
      }
      put(i, ts[parent], order[parent], actions[parent]);
      i = parent;
    }
    put(i, atNs, scheduledOrder, action);
  }

  /** Removes and returns the earliest action; only when not empty. */
  Runnable poll() {
    Runnable first = actions[0];
    int last = --size;
    long lastTs = ts[last];
    long lastOrder = order[last];
    Runnable lastAction = actions[last];
    actions[last] = null;
    if (size > 0) {
      int i = 0;
      int half = size >>> 1;
      while (i < half) {
        int child = 2 * i + 1;
        int right = child + 1;
        if (right < size && before(ts[right], order[right], ts[child], order[child])) {
          child = right;
        }
        if (!before(ts[child], order[child], lastTs, lastOrder)) {
          break;
        }
        put(i, ts[child], order[child], actions[child]);
        i = child;
      }
      put(i, lastTs, lastOrder, lastAction);
    }
    return first;
  }

  void clear() {
    Arrays.fill(actions, 0, size, null);
    size = 0;
  }

  private static boolean before(long aTs, long aOrder, long bTs, long bOrder) {
    return aTs < bTs || (aTs == bTs && aOrder < bOrder);
  }

  private void put(int slot, long atNs, long scheduledOrder, Runnable action) {
    ts[slot] = atNs;
    order[slot] = scheduledOrder;
    actions[slot] = action;
  }
}
