package io.coiommu.producer.synthetic;

import java.util.Arrays;

/**
 * A VM's scheduled actions in (trace time, order) order: a binary min-heap whose entries are
 * numbers only (what to do and its argument), kept in arrays. The order (when scheduled) makes
 * every key distinct, so entries come out in the same sequence whatever the heap's shape.
 * Scheduling allocates nothing and stores no reference: a fleet schedules tens of millions of
 * actions, and an object per action (a lambda) cost its allocation, a collector's write barrier
 * when stored into a long-lived heap array, and the work of the young collections it survived.
 */
final class TimeOrder {

  private long[] ts = new long[16];
  private long[] order = new long[16];
  private long[] what = new long[16];
  private long[] arg = new long[16];
  private int size;

  boolean isEmpty() {
    return size == 0;
  }

  /** Time of the first entry; only when not empty. */
  long firstTs() {
    return ts[0];
  }

  /** What the first entry does; only when not empty. */
  long firstWhat() {
    return what[0];
  }

  /** The first entry's argument; only when not empty. */
  long firstArg() {
    return arg[0];
  }

  void add(long atNs, long entryOrder, long entryWhat, long entryArg) {
    if (size == ts.length) {
      ts = Arrays.copyOf(ts, 2 * size);
      order = Arrays.copyOf(order, 2 * size);
      what = Arrays.copyOf(what, 2 * size);
      arg = Arrays.copyOf(arg, 2 * size);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!before(atNs, entryOrder, ts[parent], order[parent])) {
        break;
      }
      move(parent, i);
      i = parent;
    }
    put(i, atNs, entryOrder, entryWhat, entryArg);
  }

  /** Removes the first entry; only when not empty. */
  void poll() {
    int last = --size;
    if (size > 0) {
      siftDown(ts[last], order[last], what[last], arg[last]);
    }
  }

  void clear() {
    size = 0;
  }

  private void siftDown(long atNs, long entryOrder, long entryWhat, long entryArg) {
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && before(ts[right], order[right], ts[child], order[child])) {
        child = right;
      }
      if (!before(ts[child], order[child], atNs, entryOrder)) {
        break;
      }
      move(child, i);
      i = child;
    }
    put(i, atNs, entryOrder, entryWhat, entryArg);
  }

  private static boolean before(long aTs, long aOrder, long bTs, long bOrder) {
    return aTs < bTs || (aTs == bTs && aOrder < bOrder);
  }

  private void move(int from, int to) {
    put(to, ts[from], order[from], what[from], arg[from]);
  }

  private void put(int slot, long atNs, long entryOrder, long entryWhat, long entryArg) {
    ts[slot] = atNs;
    order[slot] = entryOrder;
    what[slot] = entryWhat;
    arg[slot] = entryArg;
  }
}
