package io.coiommu.schema;

import java.util.Arrays;

/** A column of bytes, as EventBatch.flags is on the wire. */
final class ByteColumn extends EventColumn {

  byte[] values;

  ByteColumn(int capacity) {
    values = new byte[capacity];
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
