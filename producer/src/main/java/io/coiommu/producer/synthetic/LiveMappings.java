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

  // An entry's neighbours in mapping order, its generation (bumped when it is unmapped, so handles
  // of the old mapping no longer match) and its flags, side by side for the same reason.
  private static final int PREV = 0;
  private static final int NEXT = 1;
  private static final int GENERATION = 2;
  private static final int FLAGS = 3;
  private static final int LINKS = 4;
  private static final int LIVE = 1;
  private static final int COHERENT = 2;

  private long[] fields = new long[FIELDS * 16];

  private int[] links = new int[LINKS * 16];
  private int capacity = 16;

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
    int l = LINKS * e;
    links[l + FLAGS] = isCoherent ? LIVE | COHERENT : LIVE;
    links[l + PREV] = tail;
    links[l + NEXT] = NONE;
    if (tail == NONE) {
      head = e;
    } else {
      links[LINKS * tail + NEXT] = e;
    }
    tail = e;
    size++;
    return (long) links[l + GENERATION] << 32 | e;
  }

  /** The entry of the mapping {@code handle} names, or -1 once it is unmapped. */
  int entry(long handle) {
    int e = (int) handle;
    return e >= 0
            && e < highWater
            && (links[LINKS * e + FLAGS] & LIVE) != 0
            && links[LINKS * e + GENERATION] == (int) (handle >>> 32)
        ? e
        : NONE;
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
    return (links[LINKS * e + FLAGS] & COHERENT) != 0;
  }

  /** The oldest mapping, or -1 when nothing is mapped. */
  int first() {
    return head;
  }

  /** The mapping made after {@code e}, or -1. */
  int after(int e) {
    return links[LINKS * e + NEXT];
  }

  /** Forgets entry {@code e}; its fields stay readable until the next {@link #add}. */
  void remove(int e) {
    int l = LINKS * e;
    int before = links[l + PREV];
    int later = links[l + NEXT];
    if (before == NONE) {
      head = later;
    } else {
      links[LINKS * before + NEXT] = later;
    }
    if (later == NONE) {
      tail = before;
    } else {
      links[LINKS * later + PREV] = before;
    }
    links[l + FLAGS] = 0;
    links[l + GENERATION]++;
    links[l + NEXT] = freeEntries;
    freeEntries = e;
    size--;
  }

  void clear() {
    for (int e = 0; e < highWater; e++) {
      int l = LINKS * e;
      if ((links[l + FLAGS] & LIVE) != 0) {
        links[l + FLAGS] = 0;
        links[l + GENERATION]++;
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
      freeEntries = links[LINKS * e + NEXT];
      return e;
    }
    if (highWater == capacity) {
      // By half, not double: a NIC maps its ring (512 pages) plus a few frames, which doubling
      // would round up to 1,024 entries in each of a fleet's thousands of NIC VMs.
      capacity += capacity / 2;
      fields = Arrays.copyOf(fields, FIELDS * capacity);
      links = Arrays.copyOf(links, LINKS * capacity);
    }
    return highWater++;
  }
}
