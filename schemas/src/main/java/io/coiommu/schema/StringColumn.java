package io.coiommu.schema;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
   * The first {@code size} values as indexes into a dictionary, filled into {@code dictionary}
   * (empty on entry) in order of first use.
   */
  ByteBuffer encodeDictionary(VarintWriter out, int size, List<String> dictionary) {
    Map<String, Integer> index = new HashMap<>();
    String last = null;
    int lastIndex = -1;
    for (int i = 0; i < size; i++) {
      // Consecutive events mostly name the same device object: the map is consulted only when it
      // changes.
      String d = values[i];
      if (d != last) {
        last = d;
        lastIndex =
            index.computeIfAbsent(
                last,
                k -> {
                  dictionary.add(k);
                  return dictionary.size() - 1;
                });
      }
      out.put(lastIndex);
    }
    return out.take();
  }

  /** The inverse of {@link #encodeDictionary}, from the batch's {@code devices}. */
  void decodeDictionary(VarintReader in, EventBatch batch, ByteBuffer column, int size) {
    String[] dictionary = batch.getDevices().toArray(new String[0]);
    String[] into = values;
    in.open("device", column);
    for (int i = 0; i < size; i++) {
      long d = in.next(i);
      if (d < 0 || d >= dictionary.length) {
        throw new InvalidBatchException(
            batch,
            "device",
            i,
            "index " + d + " outside the " + dictionary.length + " devices of the dictionary");
      }
      into[i] = dictionary[(int) d];
    }
    in.close(size);
  }
}
