package io.coiommu.schema;

import io.coiommu.schema.VarintReader.ByteField;
import java.util.Arrays;

/**
 * A column of strings; entries share the objects they were given (a decoded batch's dictionary), so
 * a slot past the end is cleared rather than left to keep a released batch alive.
 */
final class StringColumn extends EventColumn {

  String[] values;

  StringColumn(int capacity) {
    values = new String[capacity];
  }

  @Override
  Object array() {
    return values;
  }

  @Override
  void resize(int capacity) {
    values = Arrays.copyOf(values, capacity);
  }

  @Override
  void forget(int from, int to) {
    Arrays.fill(values, from, to, null);
  }

  /**
   * The device column as indexes into the batch's {@code dictionary} (as EventBatchBuilder writes
   * it).
   */
  void decodeDictionary(VarintReader in, String[] dictionary, int size) {
    String[] into = values;
    in.open(ByteField.DEVICE);
    for (int i = 0; i < size; i++) {
      long d = in.next(i);
      if (d < 0 || d >= dictionary.length) {
        throw in.error(
            "device",
            i,
            "index " + d + " outside the " + dictionary.length + " devices of the dictionary");
      }
      into[i] = dictionary[(int) d];
    }
    in.close(size);
  }
}
