package io.coiommu.schema;

/**
 * The columns of batches one thread recycled, kept for the next records the thread decodes: a
 * record's columns then fill arrays that are still in cache instead of fresh ones (see {@link
 * EventColumns#recycle}). Confined to the thread that made it: columns recycled on another thread
 * are not kept.
 *
 * <p>Bounded: Kafka Streams decodes the head record of each partition's queue before the record
 * ahead of it is processed, so a thread holds one decoded record per partition plus the one being
 * processed, and recycling one is followed by decoding the next. A few spares cover the records
 * decoded back to back when a fetch fills several queues at once; beyond that, a spare would only
 * hold memory.
 */
final class ColumnSpares {

  static final int MAX = 4;

  private final Thread owner = Thread.currentThread();
  private final EventColumns[] spares = new EventColumns[MAX];
  private int count;

  /**
   * The spare recycled last (its arrays the likeliest in cache) when it has room for {@code
   * events}, or null. A spare too small is dropped, so that the spares grow to the largest record
   * by replacement rather than by copying arrays nobody needs.
   */
  EventColumns take(int events) {
    if (count == 0) {
      return null;
    }
    EventColumns spare = spares[--count];
    spares[count] = null;
    return spare.capacity() >= events ? spare : null;
  }

  /** Whether {@link #put} would keep a spare now: on the owner thread, below the bound. */
  boolean accepts() {
    return count < MAX && Thread.currentThread() == owner;
  }

  void put(EventColumns spare) {
    if (accepts()) {
      spares[count++] = spare;
    }
  }

  /** Spares held now. */
  int size() {
    return count;
  }
}
