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

  // Entry fields, indexed by entry.
  private long[] iova = new long[16];
  private long[] gpa = new long[16];
  private long[] bytes = new long[16];
  private long[] callId = new long[16];
  private boolean[] coherent = new boolean[16];
  private int[] prev = new int[16];
  private int[] next = new int[16];

  private int head = NONE;
  private int tail = NONE;
  private int freeEntries = NONE;
  private int highWater;
  private int size;

  /** Entry + 1 per slot, 0 for an empty slot; at most half full so probes stay short. */
  private int[] table = new int[32];

  private int shift = 64 - 5;

  int size() {
    return size;
  }

  /** Records a mapping at an iova that is not mapped; returns its entry. */
  int add(long atIova, long toGpa, long length, boolean isCoherent, long call) {
    if (2 * (size + 1) > table.length) {
      grow();
    }
    int mask = table.length - 1;
    int slot = home(atIova);
    while (table[slot] != 0) {
      if (iova[table[slot] - 1] == atIova) {
        throw new IllegalStateException("iova 0x" + Long.toHexString(atIova) + " mapped twice");
      }
      slot = (slot + 1) & mask;
    }
    int e = newEntry();
    table[slot] = e + 1;
    iova[e] = atIova;
    gpa[e] = toGpa;
    bytes[e] = length;
    coherent[e] = isCoherent;
    callId[e] = call;
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
    return slot == NONE ? NONE : table[slot] - 1;
  }

  long gpa(int e) {
    return gpa[e];
  }

  long bytes(int e) {
    return bytes[e];
  }

  long callId(int e) {
    return callId[e];
  }

  long iova(int e) {
    return iova[e];
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
    int mask = table.length - 1;
    int hole = slotOf(iova[e]);
    table[hole] = 0;
    // Backward-shift deletion: pull later entries of the probe run into the hole when their home
    // slot is not between the hole and where they sit, so every entry stays reachable from home.
    int j = hole;
    while (true) {
      j = (j + 1) & mask;
      int moved = table[j];
      if (moved == 0) {
        break;
      }
      int k = home(iova[moved - 1]);
      boolean reachable = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
      if (!reachable) {
        table[hole] = moved;
        table[j] = 0;
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
    int mask = table.length - 1;
    int slot = home(atIova);
    while (table[slot] != 0) {
      if (iova[table[slot] - 1] == atIova) {
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
    if (highWater == iova.length) {
      int n = 2 * iova.length;
      iova = Arrays.copyOf(iova, n);
      gpa = Arrays.copyOf(gpa, n);
      bytes = Arrays.copyOf(bytes, n);
      callId = Arrays.copyOf(callId, n);
      coherent = Arrays.copyOf(coherent, n);
      prev = Arrays.copyOf(prev, n);
      next = Arrays.copyOf(next, n);
    }
    return highWater++;
  }

  private void grow() {
    table = new int[2 * table.length];
    shift--;
    int mask = table.length - 1;
    for (int e = head; e != NONE; e = next[e]) {
      int slot = home(iova[e]);
      while (table[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      table[slot] = e + 1;
    }
  }
}
