package io.coiommu.schema;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.io.BinaryData;

/** Writes a column's varints into one scratch array and hands each column out as its own buffer. */
final class VarintWriter {

  /** Longest Avro varint of a long. */
  private static final int MAX_VARINT = 10;

  private final byte[] scratch;
  private int length;

  VarintWriter(int events) {
    scratch = new byte[Math.max(1, events) * MAX_VARINT];
  }

  /** How many events' varints fit. */
  int capacity() {
    return scratch.length / MAX_VARINT;
  }

  void put(long v) {
    length += BinaryData.encodeLong(v, scratch, length);
  }

  ByteBuffer take() {
    ByteBuffer b = ByteBuffer.wrap(Arrays.copyOf(scratch, length));
    length = 0;
    return b;
  }
}
