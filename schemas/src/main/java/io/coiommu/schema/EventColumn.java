package io.coiommu.schema;

import java.lang.reflect.Array;

/**
 * One field of {@link EventColumns}, an array indexed by event. The columns of a buffer grow, shift
 * and copy together through this type, so a new field is one declaration in EventColumns (plus its
 * wire coding, when the batch carries it in a column of its own). Subclasses hold the array typed,
 * for the hot loops; the moves here work on any array type, as System.arraycopy does.
 */
abstract class EventColumn {

  /** The column's array ({@code long[]}, {@code byte[]}, ...). */
  abstract Object array();

  abstract void replace(Object array);

  final void resize(int capacity) {
    Object old = array();
    Object bigger = Array.newInstance(old.getClass().getComponentType(), capacity);
    System.arraycopy(old, 0, bigger, 0, Math.min(Array.getLength(old), capacity));
    replace(bigger);
  }

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
