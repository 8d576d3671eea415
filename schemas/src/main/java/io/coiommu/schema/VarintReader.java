package io.coiommu.schema;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Reads one varint column at a time with Avro's decoder, turning its failures into errors that name
 * field and event.
 */
final class VarintReader {

  private final EventBatch batch;
  private BinaryDecoder decoder;
  private String field;

  VarintReader(EventBatch batch) {
    this.batch = batch;
  }

  void open(String name, ByteBuffer column) {
    field = name;
    byte[] array;
    int offset;
    if (column.hasArray()) {
      array = column.array();
      offset = column.arrayOffset() + column.position();
    } else {
      array = new byte[column.remaining()];
      column.duplicate().get(array);
      offset = 0;
    }
    decoder = DecoderFactory.get().binaryDecoder(array, offset, column.remaining(), decoder);
  }

  long next(int event) {
    try {
      return decoder.readLong();
    } catch (EOFException e) {
      throw new InvalidBatchException(
          batch, field, event, "column ends inside or before this event's varint");
    } catch (IOException e) {
      throw new InvalidBatchException(batch, field, event, "bad varint: " + e.getMessage());
    }
  }

  /** The column must end with event {@code count - 1}'s varint. */
  void close(int count) {
    try {
      if (!decoder.isEnd()) {
        throw new InvalidBatchException(
            batch, field, count, "bytes left after the last event's varint");
      }
    } catch (IOException e) {
      throw new InvalidBatchException(batch, field, count, e.getMessage());
    }
  }
}
