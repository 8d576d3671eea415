package io.coiommu.processor.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One of coIOMMU's LRU lists, crosvm's VecDeque of pages, as a FIFO of runs: an entry is a run of
 * up to 1024 consecutive pages that share a busy count, packed in one long ({@code gfn << 30 | busy
 * << 10 | length - 1}). The list it stands for is the runs expanded in order, so a run that
 * continues the tail can join it and a scan that stops inside a run puts the rest back in front;
 * the page order is that of crosvm's per-page list.
 */
final class PageRuns {

  static final int MAX_BUSY = (1 << 20) - 1;
  private static final int MAX_LENGTH = 1 << 10;

  private long[] ring = new long[16];
  private int head;
  private int size;

  /**
   * Entries at the tail that the running scan appended, and so may grow; -1 outside a scan (any
   * tail may).
   */
  private int appendedInScan = -1;

  /** Entries (runs), not pages. */
  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  static long gfn(long run) {
    return run >>> 30;
  }

  static int busy(long run) {
    return (int) (run >>> 10) & MAX_BUSY;
  }

  static int length(long run) {
    return (int) (run & (MAX_LENGTH - 1)) + 1;
  }

  /**
   * The scan about to run visits only the entries present now: until {@link #endScan}, pages
   * appended join a tail entry only if this scan appended it, so no page is visited twice in one
   * scan.
   */
  void beginScan() {
    appendedInScan = 0;
  }

  void endScan() {
    appendedInScan = -1;
  }

  /** Appends pages [gfn, gfn + pages) with one busy count. */
  void add(long gfn, long pages, int busy) {
    if (size > 0 && appendedInScan != 0) {
      int t = (head + size - 1) & (ring.length - 1);
      long tail = ring[t];
      int len = length(tail);
      if (busy(tail) == busy && gfn(tail) + len == gfn && len < MAX_LENGTH) {
        int grow = (int) Math.min(pages, MAX_LENGTH - len);
        ring[t] = tail + grow;
        gfn += grow;
        pages -= grow;
      }
    }
    while (pages > 0) {
      int len = (int) Math.min(pages, MAX_LENGTH);
      push((gfn << 30) | ((long) busy << 10) | (len - 1));
      if (appendedInScan >= 0) {
        appendedInScan++;
      }
      gfn += len;
      pages -= len;
    }
  }

  private void push(long run) {
    if (size == ring.length) {
      grow();
    }
    ring[(head + size) & (ring.length - 1)] = run;
    size++;
  }

  /** Puts back in front the unvisited rest [gfn, gfn + pages) of the run just polled. */
  void pushFront(long gfn, int pages, int busy) {
    if (size == ring.length) {
      grow();
    }
    head = (head - 1) & (ring.length - 1);
    ring[head] = (gfn << 30) | ((long) busy << 10) | (pages - 1);
    size++;
  }

  private void grow() {
    long[] bigger = new long[ring.length << 1];
    for (int k = 0; k < size; k++) {
      bigger[k] = ring[(head + k) & (ring.length - 1)];
    }
    ring = bigger;
    head = 0;
  }

  /** Removes and returns the head run; the list must not be empty. */
  long poll() {
    long v = ring[head];
    head = (head + 1) & (ring.length - 1);
    size--;
    if (size == 0) {
      head = 0;
    }
    return v;
  }

  /** The runs in order: the lists' order decides which pages a scan reaches first. */
  void writeTo(DataOutput out) throws IOException {
    out.writeInt(size);
    ByteBuffer entries = ByteBuffer.allocate(size * Long.BYTES);
    for (int k = 0; k < size; k++) {
      entries.putLong(ring[(head + k) & (ring.length - 1)]);
    }
    out.write(entries.array());
  }

  void readFrom(DataInput in) throws IOException {
    int n = in.readInt();
    ring = new long[Math.max(16, Integer.highestOneBit(Math.max(1, n - 1)) << 1)];
    head = 0;
    size = n;
    byte[] bytes = new byte[n * Long.BYTES];
    in.readFully(bytes);
    ByteBuffer.wrap(bytes).asLongBuffer().get(ring, 0, n);
  }

  void clear() {
    ring = new long[16];
    head = 0;
    size = 0;
  }
}
