package io.coiommu.producer;

import io.coiommu.schema.EventColumns;
import java.util.ArrayDeque;

/**
 * Emptied column buffers of the batcher, by capacity, so that a VM's next batch starts in a buffer
 * about as large as its last one and is not grown again from a few events (growing a fresh buffer
 * for nearly every batch of a 1,000-VM fleet was half of the producer thread's time, issue #14).
 * The spares together hold at most a given capacity (half the pending events' cap), so that they
 * never take more memory than the pending events themselves may.
 */
final class SpareColumns {

  /** Capacity classes: a buffer of capacity c is kept under floor(log2(c)). */
  private final ArrayDeque<EventColumns>[] byClass;

  private final long maxCapacity;
  private long capacity;

  @SuppressWarnings("unchecked")
  SpareColumns(long maxCapacity) {
    this.maxCapacity = maxCapacity;
    byClass = new ArrayDeque[Integer.SIZE];
    for (int k = 0; k < byClass.length; k++) {
      byClass[k] = new ArrayDeque<>();
    }
  }

  /**
   * A buffer for about {@code events} events: the smallest spare that holds them, else the largest
   * smaller one, else a new buffer of that capacity.
   */
  EventColumns take(int events) {
    int wanted = Math.max(1, events);
    int k = Integer.SIZE - Integer.numberOfLeadingZeros(wanted - 1);
    for (int j = Math.min(k, byClass.length - 1); j < byClass.length; j++) {
      if (!byClass[j].isEmpty()) {
        return taken(byClass[j].pop());
      }
    }
    for (int j = Math.min(k, byClass.length) - 1; j >= 0; j--) {
      if (!byClass[j].isEmpty()) {
        return taken(byClass[j].pop());
      }
    }
    return new EventColumns(wanted);
  }

  private EventColumns taken(EventColumns c) {
    capacity -= c.capacity();
    return c;
  }

  /** Keeps {@code c}, emptied, unless the spares would then hold more than their bound. */
  void put(EventColumns c) {
    if (capacity + c.capacity() > maxCapacity) {
      return;
    }
    c.clear();
    byClass[31 - Integer.numberOfLeadingZeros(c.capacity())].push(c);
    capacity += c.capacity();
  }

  /** Capacity of the spares, in events. */
  long capacity() {
    return capacity;
  }
}
