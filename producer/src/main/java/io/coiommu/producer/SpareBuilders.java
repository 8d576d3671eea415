package io.coiommu.producer;

import io.coiommu.schema.EventBatchBuilder;
import java.util.ArrayDeque;

/**
 * Emptied batch builders of the batcher, by capacity, so that a VM's next batch starts in buffers
 * about as large as its last one and is not grown again from a few events (growing fresh buffers
 * for nearly every batch of a 1,000-VM fleet was half of the producer thread's time, issue #14).
 * The spares together hold at most a given number of bytes, so that they never take more memory
 * than the pending events themselves may.
 */
final class SpareBuilders {

  /** Capacity classes: a builder of capacity c bytes is kept under floor(log2(c)). */
  private final ArrayDeque<EventBatchBuilder>[] byClass;

  private final long maxCapacity;
  private long capacity;

  @SuppressWarnings("unchecked")
  SpareBuilders(long maxCapacity) {
    this.maxCapacity = maxCapacity;
    byClass = new ArrayDeque[Integer.SIZE];
    for (int k = 0; k < byClass.length; k++) {
      byClass[k] = new ArrayDeque<>();
    }
  }

  /**
   * A builder for about {@code bytes} bytes of events: the smallest spare that holds them, else the
   * largest smaller one, else a new builder of that capacity.
   */
  EventBatchBuilder take(int bytes) {
    int wanted = Math.max(1, bytes);
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
    return new EventBatchBuilder(wanted);
  }

  private EventBatchBuilder taken(EventBatchBuilder b) {
    capacity -= b.capacity();
    return b;
  }

  /** Keeps {@code b}, emptied, unless the spares would then hold more than their bound. */
  void put(EventBatchBuilder b) {
    if (capacity + b.capacity() > maxCapacity) {
      return;
    }
    b.clear();
    byClass[31 - Integer.numberOfLeadingZeros(b.capacity())].push(b);
    capacity += b.capacity();
  }

  /** Capacity of the spares, in bytes. */
  long capacity() {
    return capacity;
  }
}
