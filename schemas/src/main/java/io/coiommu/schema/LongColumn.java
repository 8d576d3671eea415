package io.coiommu.schema;

import io.coiommu.schema.VarintReader.ByteField;
import java.util.Arrays;

/**
 * A column of longs and, when EventBatch carries it as a varint column of its own, how it decodes:
 * each value as is, or as its delta from the previous one (timestamps, iovas and call ids grow, so
 * deltas stay short). A column without a coding travels some other way (a dependent or sparse
 * field).
 */
final class LongColumn extends EventColumn {

  enum Coding {
    NONE,
    VALUES,
    DELTAS
  }

  private final ByteField field;
  private final Coding coding;
  long[] values;

  /** A column that travels as its own varint column {@code field} of EventBatch. */
  LongColumn(int capacity, ByteField field, Coding coding) {
    this.field = field;
    this.coding = coding;
    this.values = new long[capacity];
  }

  /** A column EventColumns decodes itself. */
  LongColumn(int capacity) {
    this(capacity, null, Coding.NONE);
  }

  void decode(VarintReader in, int size) {
    in.open(field);
    long[] into = values;
    switch (coding) {
      case VALUES -> {
        for (int i = 0; i < size; i++) {
          into[i] = in.next(i);
        }
      }
      case DELTAS -> {
        long prev = 0;
        for (int i = 0; i < size; i++) {
          prev += in.next(i);
          into[i] = prev;
        }
      }
      case NONE -> throw new IllegalStateException("this column has no wire coding of its own");
    }
    in.close(size);
  }

  @Override
  Object array() {
    return values;
  }

  @Override
  void resize(int capacity) {
    values = Arrays.copyOf(values, capacity);
  }
}
