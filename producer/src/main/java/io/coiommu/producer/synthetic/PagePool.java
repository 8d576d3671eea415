package io.coiommu.producer.synthetic;

/**
 * A driver's page pool: pages come back at the tail and are handed out from the head, first in
 * first out, as plain frame numbers in a ring (a queue of boxed longs allocated an object per
 * returned page).
 */
final class PagePool {

  private long[] ring = new long[64];
  private int head;
  private int size;

  boolean isEmpty() {
    return size == 0;
  }

  void add(long gfn) {
    if (size == ring.length) {
      long[] bigger = new long[2 * size];
      int firstPart = size - head;
      System.arraycopy(ring, head, bigger, 0, firstPart);
      System.arraycopy(ring, 0, bigger, firstPart, head);
      ring = bigger;
      head = 0;
    }
    ring[(head + size) & (ring.length - 1)] = gfn;
    size++;
  }

  /** The oldest page; only when not empty. */
  long take() {
    long gfn = ring[head];
    head = (head + 1) & (ring.length - 1);
    size--;
    return gfn;
  }
}
