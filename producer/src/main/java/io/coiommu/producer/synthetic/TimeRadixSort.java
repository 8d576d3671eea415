package io.coiommu.producer.synthetic;

import java.util.Arrays;

/**
 * A stable least-significant-digit radix sort of non-negative int keys, returning positions rather
 * than moving anything: equal keys keep their input order, which is what makes a sort by time alone
 * reproduce a merge that breaks ties by VM and emission order. Its cost is a few passes over the
 * keys whatever their order, where a merge of a fleet's VMs paid a heap sift per event. The arrays
 * are reused from sort to sort.
 */
final class TimeRadixSort {

  private static final int DIGIT_BITS = 11;
  private static final int BUCKETS = 1 << DIGIT_BITS;
  private static final int MASK = BUCKETS - 1;

  private final int[] counts = new int[BUCKETS];
  private int[] keysA = new int[0];
  private int[] keysB = new int[0];
  private int[] posA = new int[0];
  private int[] posB = new int[0];

  /**
   * Positions {@code 0..n-1} ordered by {@code keys[position]}, ties in position order. The result
   * is valid until the next call.
   *
   * @param maxKey the largest of the keys (it bounds the number of passes)
   */
  int[] stableOrder(int[] keys, int n, int maxKey) {
    if (keysA.length < n) {
      int capacity = Math.max(n, 2 * keysA.length);
      keysA = new int[capacity];
      keysB = new int[capacity];
      posA = new int[capacity];
      posB = new int[capacity];
    }
    int passes =
        Math.max(1, (32 - Integer.numberOfLeadingZeros(maxKey) + DIGIT_BITS - 1) / DIGIT_BITS);
    // The first pass reads the caller's keys in position order, so it needs no position array.
    histogram(keys, n, 0);
    for (int i = 0; i < n; i++) {
      int k = keys[i];
      int at = counts[k & MASK]++;
      keysA[at] = k;
      posA[at] = i;
    }
    int[] inKeys = keysA;
    int[] inPos = posA;
    int[] outKeys = keysB;
    int[] outPos = posB;
    for (int pass = 1; pass < passes; pass++) {
      int shift = pass * DIGIT_BITS;
      histogram(inKeys, n, shift);
      for (int i = 0; i < n; i++) {
        int k = inKeys[i];
        int at = counts[(k >>> shift) & MASK]++;
        outKeys[at] = k;
        outPos[at] = inPos[i];
      }
      int[] swapKeys = inKeys;
      inKeys = outKeys;
      outKeys = swapKeys;
      int[] swapPos = inPos;
      inPos = outPos;
      outPos = swapPos;
    }
    return inPos;
  }

  /** Turns {@link #counts} into each digit's first output slot. */
  private void histogram(int[] keys, int n, int shift) {
    Arrays.fill(counts, 0);
    for (int i = 0; i < n; i++) {
      counts[(keys[i] >>> shift) & MASK]++;
    }
    int sum = 0;
    for (int b = 0; b < BUCKETS; b++) {
      int c = counts[b];
      counts[b] = sum;
      sum += c;
    }
  }
}
