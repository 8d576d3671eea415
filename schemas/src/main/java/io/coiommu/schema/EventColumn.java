package io.coiommu.schema;

/**
 * One field of {@link EventColumns}, an array indexed by event. The columns of a buffer grow, shift
 * and copy together through this type, so a new field is one declaration in EventColumns (plus its
 * wire coding, when the batch carries it in a column of its own). Subclasses hold the array typed,
 * for the hot loops (and size it); the moves here work on any array type, as System.arraycopy does.
 */
abstract class EventColumn {

  /** The column's array ({@code long[]}, {@code byte[]}, ...). */
  abstract Object array();

  /**
   * Grows or shrinks the array to {@code capacity}, keeping what fits. Each column does it with its
   * own typed Arrays.copyOf, which the JIT allocates inline: a reflective Array.newInstance here
   * was a third of decoding a batch (every decode makes each column at the batch's size).
   */
  abstract void resize(int capacity);

  /**
   * Moves {@code n} values from {@code from} to {@code to} inside this column (overlap allowed).
   */
  final void shift(int from, int to, int n) {
    Object a = array();
    System.arraycopy(a, from, a, to, n);
  }

  /** Value {@code i} of the same column of another buffer, copied to {@code at}. */
  final void copy(EventColumn source, int i, int at) {
    System.arraycopy(source.array(), i, array(), at, 1);
  }

  /** Values {@code [i, i + n)} of the same column of another buffer, copied to {@code at}. */
  final void copyRange(EventColumn source, int i, int at, int n) {
    System.arraycopy(source.array(), i, array(), at, n);
  }

  /** Values in [from, to) are past the end: a column of objects drops its references there. */
  void forget(int from, int to) {}
}
