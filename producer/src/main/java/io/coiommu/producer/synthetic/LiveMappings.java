package io.coiommu.producer.synthetic;

import java.util.Arrays;

/**
 * What a {@link DmaDevice} has mapped, by iova, in mapping order. A device of a busy VM maps and
 * unmaps millions of times, and iovas are page- (often power-of-two-) aligned, which piles boxed
 * {@code Long} keys into a few {@code HashMap} bins; so this is an open-addressing table with a
 * multiplicative hash over plain arrays, plus a doubly linked list in mapping order, which is the
 * order teardown unmaps in (it must not depend on hashing, or the trace would change with the table
 * size). Entries are reused through a free list, so memory follows what is mapped at once.
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

  private int head = NONE;
  private int tail = NONE;
  private int freeEntries = NONE;
  private int highWater;
  private int size;

  /**
   * Per slot, its iova and entry + 1 side by side (0 for an empty slot), so a probe reads one cache
   * line; at most half full so probes stay short.
   */
  private long[] table = new long[2 * 32];

  private int slots = 32;

  private int shift = 64 - 5;

  int size() {
    return size;
  }

  /** Records a mapping at an iova that is not mapped; returns its entry. */
  int add(long atIova, long toGpa, long length, boolean isCoherent, long call) {
    if (2 * (size + 1) > slots) {
      grow();
    }
    int mask = slots - 1;
    int slot = home(atIova);
    while (table[2 * slot + 1] != 0) {
      if (table[2 * slot] == atIova) {
        throw new IllegalStateException("iova 0x" + Long.toHexString(atIova) + " mapped twice");
      }
      slot = (slot + 1) & mask;
    }
    int e = newEntry();
    table[2 * slot] = atIova;
    table[2 * slot + 1] = e + 1;
    fields[FIELDS * e + IOVA] = atIova;
    fields[FIELDS * e + GPA] = toGpa;
    fields[FIELDS * e + BYTES] = length;
    fields[FIELDS * e + CALL_ID] = call;
    coherent[e] = isCoherent;
    prev[e] = tail;
    next[e] = NONE;
    if (tail == NONE) {
      head = e;
    } else {
      next[tail] = e;
    }
    tail = e;
    size++;
    return e;
  }

  /** The entry mapped at {@code atIova}, or -1. */
  int find(long atIova) {
    int slot = slotOf(atIova);
    return slot == NONE ? NONE : (int) table[2 * slot + 1] - 1;
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
    int mask = slots - 1;
    int hole = slotOf(iova(e));
    table[2 * hole + 1] = 0;
    // Backward-shift deletion: pull later entries of the probe run into the hole when their home
    // slot is not between the hole and where they sit, so every entry stays reachable from home.
    int j = hole;
    while (true) {
      j = (j + 1) & mask;
      if (table[2 * j + 1] == 0) {
        break;
      }
      int k = home(table[2 * j]);
      boolean reachable = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
      if (!reachable) {
        table[2 * hole] = table[2 * j];
        table[2 * hole + 1] = table[2 * j + 1];
        table[2 * j + 1] = 0;
        hole = j;
      }
    }
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
    next[e] = freeEntries;
    freeEntries = e;
    size--;
  }

  void clear() {
    Arrays.fill(table, 0);
    head = NONE;
    tail = NONE;
    freeEntries = NONE;
    highWater = 0;
    size = 0;
  }

  private int slotOf(long atIova) {
    int mask = slots - 1;
    int slot = home(atIova);
    while (table[2 * slot + 1] != 0) {
      if (table[2 * slot] == atIova) {
        return slot;
      }
      slot = (slot + 1) & mask;
    }
    return NONE;
  }

  private int home(long atIova) {
    return (int) ((atIova * 0x9E3779B97F4A7C15L) >>> shift);
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
    }
    return highWater++;
  }

  private void grow() {
    slots *= 2;
    table = new long[2 * slots];
    shift--;
    int mask = slots - 1;
    for (int e = head; e != NONE; e = next[e]) {
      int slot = home(iova(e));
      while (table[2 * slot + 1] != 0) {
        slot = (slot + 1) & mask;
      }
      table[2 * slot] = iova(e);
      table[2 * slot + 1] = e + 1;
    }
  }
}
