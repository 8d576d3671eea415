package io.coiommu.schema;

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
  void replace(Object array) {
    values = (byte[]) array;
  }
}
