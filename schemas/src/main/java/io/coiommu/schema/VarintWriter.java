package io.coiommu.schema;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.io.BinaryData;

/**
 * The bytes of one EventBatch column as they are written, event by event: a growable array that
 * keeps its size from batch to batch, so a reused writer stops growing once it has held its largest
 * column.
 */
final class VarintWriter {

  /** Longest Avro varint of a long. */
  private static final int MAX_VARINT = 10;

  private byte[] buffer;
  private int length;

  VarintWriter(int initialBytes) {
    buffer = new byte[Math.max(MAX_VARINT, initialBytes)];
  }

  /** Bytes held before the writer must grow. */
  int capacity() {
    return buffer.length;
  }

  void put(long v) {
    if (buffer.length - length < MAX_VARINT) {
      grow();
    }
    length += BinaryData.encodeLong(v, buffer, length);
  }

  /** One raw byte, not a varint (EventBatch.flags). */
  void putByte(byte b) {
    if (length == buffer.length) {
      grow();
    }
    buffer[length++] = b;
  }

  private void grow() {
    buffer = Arrays.copyOf(buffer, buffer.length * 2);
  }

  /**
   * The bytes written since the last take, in an array of their own: the batch that gets them
   * outlives this writer's next column.
   */
  ByteBuffer take() {
    ByteBuffer b = ByteBuffer.wrap(Arrays.copyOf(buffer, length));
    length = 0;
    return b;
  }

  void clear() {
    length = 0;
  }
}
