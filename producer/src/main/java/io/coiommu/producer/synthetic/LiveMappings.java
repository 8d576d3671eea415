package io.coiommu.producer.synthetic;

import java.util.Arrays;

/**
 * What a {@link DmaDevice} has mapped, in mapping order, which is the order teardown unmaps in. A
 * mapping is named by the handle {@link #add} returns, which its driver keeps (in a ring slot, a
 * request, a scheduled action) as a real driver keeps the dma address: finding a mapping is an
 * array index, not a hash lookup, and nothing is kept per iova. A handle carries its entry's
 * generation, so a handle kept past its unmap is refused rather than read as a later mapping that
 * reuses the entry. Entries are reused through a free list, so memory follows what is mapped at
 * once.
 */
final class LiveMappings {

  private static final int NONE = -1;

  // An entry's iova, gpa, bytes and call id, side by side: an access or unmap reads one cache line.
  private static final int IOVA = 0;
  private static final int GPA = 1;
  private static final int BYTES = 2;
  private static final int CALL_ID = 3;
  private static final int FIELDS = 4;

  private long[] fields = new long[FIELDS * 16];
  private boolean[] coherent = new boolean[16];
  private int[] prev = new int[16];
  private int[] next = new int[16];

  /** Bumped when an entry is unmapped: handles of the old mapping no longer match. */
  private int[] generation = new int[16];

  /** Whether the entry holds a mapping now. */
  private boolean[] live = new boolean[16];

  private int head = NONE;
  private int tail = NONE;
  private int freeEntries = NONE;
  private int highWater;
  private int size;

  int size() {
    return size;
  }

  /** Records a mapping; returns its handle. */
  long add(long atIova, long toGpa, long length, boolean isCoherent, long call) {
    int e = newEntry();
    fields[FIELDS * e + IOVA] = atIova;
    fields[FIELDS * e + GPA] = toGpa;
    fields[FIELDS * e + BYTES] = length;
    fields[FIELDS * e + CALL_ID] = call;
    coherent[e] = isCoherent;
    live[e] = true;
    prev[e] = tail;
    next[e] = NONE;
    if (tail == NONE) {
      head = e;
    } else {
      next[tail] = e;
    }
    tail = e;
    size++;
    return (long) generation[e] << 32 | e;
  }

  /** The entry of the mapping {@code handle} names, or -1 once it is unmapped. */
  int entry(long handle) {
    int e = (int) handle;
    return e >= 0 && e < highWater && live[e] && generation[e] == (int) (handle >>> 32) ? e : NONE;
  }

  long gpa(int e) {
    return fields[FIELDS * e + GPA];
  }

  long bytes(int e) {
    return fields[FIELDS * e + BYTES];
  }

  long callId(int e) {
    return fields[FIELDS * e + CALL_ID];
  }

  long iova(int e) {
    return fields[FIELDS * e + IOVA];
  }

  boolean coherent(int e) {
    return coherent[e];
  }

  /** The oldest mapping, or -1 when nothing is mapped. */
  int first() {
    return head;
  }

  /** The mapping made after {@code e}, or -1. */
  int after(int e) {
    return next[e];
  }

  /** Forgets entry {@code e}; its fields stay readable until the next {@link #add}. */
  void remove(int e) {
    if (prev[e] == NONE) {
      head = next[e];
    } else {
      next[prev[e]] = next[e];
    }
    if (next[e] == NONE) {
      tail = prev[e];
    } else {
      prev[next[e]] = prev[e];
    }
    live[e] = false;
    generation[e]++;
    next[e] = freeEntries;
    freeEntries = e;
    size--;
  }

  void clear() {
    for (int e = 0; e < highWater; e++) {
      if (live[e]) {
        live[e] = false;
        generation[e]++;
      }
    }
    head = NONE;
    tail = NONE;
    freeEntries = NONE;
    highWater = 0;
    size = 0;
  }

  private int newEntry() {
    if (freeEntries != NONE) {
      int e = freeEntries;
      freeEntries = next[e];
      return e;
    }
    if (highWater == coherent.length) {
      int n = 2 * coherent.length;
      fields = Arrays.copyOf(fields, FIELDS * n);
      coherent = Arrays.copyOf(coherent, n);
      prev = Arrays.copyOf(prev, n);
      next = Arrays.copyOf(next, n);
      generation = Arrays.copyOf(generation, n);
      live = Arrays.copyOf(live, n);
    }
    return highWater++;
  }
}
