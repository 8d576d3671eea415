package io.coiommu.producer.synthetic;

import java.util.Arrays;

/**
 * Items in (trace time, order) order: a binary min-heap, used for a VM's scheduled actions and for
 * the merge of a fleet's VMs. The order (when scheduled, or the VM's place in the plan) makes every
 * key distinct, so items come out in the same sequence whatever the heap's shape. Keys live in
 * arrays beside the items: adding allocates nothing, and a sift compares longs instead of following
 * a pointer per comparison, which matters when a fleet's thousand VMs are sifted once per event.
 *
 * @param <T> what is ordered
 */
final class TimeOrder<T> {

  private long[] ts = new long[16];
  private long[] order = new long[16];
  private Object[] items = new Object[16];
  private int size;

  boolean isEmpty() {
    return size == 0;
  }

  /** Time of the first item; only when not empty. */
  long firstTs() {
    return ts[0];
  }

  /** Order of the first item; only when not empty. */
  long firstOrder() {
    return order[0];
  }

  /** The first item; only when not empty. */
  @SuppressWarnings("unchecked")
  T first() {
    return (T) items[0];
  }

  void add(long atNs, long itemOrder, T item) {
    if (size == ts.length) {
      ts = Arrays.copyOf(ts, 2 * size);
      order = Arrays.copyOf(order, 2 * size);
      items = Arrays.copyOf(items, 2 * size);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!before(atNs, itemOrder, ts[parent], order[parent])) {
        break;
      }
      move(parent, i);
      i = parent;
    }
    put(i, atNs, itemOrder, item);
  }

  /** Removes and returns the first item; only when not empty. */
  T poll() {
    T first = first();
    int last = --size;
    Object lastItem = items[last];
    items[last] = null;
    if (size > 0) {
      siftDown(ts[last], order[last], lastItem);
    }
    return first;
  }

  /**
   * The first item is now due at {@code atNs}, not earlier than before: it sinks only as far as its
   * new time takes it, one sift instead of a poll and an add.
   */
  void firstMovedTo(long atNs) {
    siftDown(atNs, order[0], items[0]);
  }

  void clear() {
    Arrays.fill(items, 0, size, null);
    size = 0;
  }

  private void siftDown(long atNs, long itemOrder, Object item) {
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && before(ts[right], order[right], ts[child], order[child])) {
        child = right;
      }
      if (!before(ts[child], order[child], atNs, itemOrder)) {
        break;
      }
      move(child, i);
      i = child;
    }
    put(i, atNs, itemOrder, item);
  }

  private static boolean before(long aTs, long aOrder, long bTs, long bOrder) {
    return aTs < bTs || (aTs == bTs && aOrder < bOrder);
  }

  private void move(int from, int to) {
    put(to, ts[from], order[from], items[from]);
  }

  private void put(int slot, long atNs, long itemOrder, Object item) {
    ts[slot] = atNs;
    order[slot] = itemOrder;
    items[slot] = item;
  }
}
