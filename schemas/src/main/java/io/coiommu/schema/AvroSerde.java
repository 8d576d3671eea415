package io.coiommu.schema;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for the generated Avro records in Avro's single-object encoding: a 2-byte marker, the
 * 8-byte CRC-64-AVRO fingerprint of the writer schema, then the binary datum. The fingerprint lets
 * a reader resolve records written with any schema version it knows (see {@link KnownSchemas})
 * without a schema registry.
 */
public final class AvroSerde<T extends SpecificRecord>
    implements Serde<T>, Serializer<T>, Deserializer<T> {

  static {
    KnownSchemas.allowGeneratedPackage();
  }

  /**
   * Per thread, the buffer a record is encoded into before its bytes are copied out once. Avro's
   * {@code encode(datum)} copies its own per-thread buffer into a ByteBuffer, which serialize then
   * copied again into the byte[] Kafka wants: two copies of every batch (issue #14). Per thread,
   * not per serde, because Kafka Streams may share one serde among its stream threads; Avro's
   * {@code encode(datum, stream)} keeps its encoder per thread too, and its datum writer holds no
   * state between records.
   */
  private static final ThreadLocal<RecordBuffer> BUFFER =
      ThreadLocal.withInitial(RecordBuffer::new);

  private final Class<T> type;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  public AvroSerde(Class<T> type) {
    this(type, KnownSchemas.store());
  }

  public AvroSerde(Class<T> type, SchemaStore writerSchemas) {
    this.type = type;
    SpecificData model = SpecificData.getForClass(type);
    Schema schema = model.getSchema(type);
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    this.decoder = new BinaryMessageDecoder<>(model, schema, writerSchemas);
  }

  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return new AvroSerde<>(type);
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    RecordBuffer buf = BUFFER.get();
    // Emptied first: a record that failed half-way leaves its bytes behind.
    buf.reset();
    try {
      encoder.encode(data, buf);
      return buf.bytes();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot encode " + type.getSimpleName() + " for topic " + topic, e);
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    try {
      return decoder.decode(data);
    } catch (IOException | RuntimeException e) {
      // A SerializationException is what Kafka's deserialization-exception handlers catch,
      // so a bad record can be routed to a dead-letter topic instead of killing the consumer.
      throw new SerializationException(
          "cannot decode "
              + type.getSimpleName()
              + " from topic "
              + topic
              + " ("
              + data.length
              + " bytes): "
              + e.getMessage(),
          e);
    }
  }

  /**
   * A growable byte array that hands out its contents as an exact-size copy. Unlike
   * ByteArrayOutputStream it does not synchronize each write: it never leaves its thread.
   */
  private static final class RecordBuffer extends OutputStream {

    /**
     * A buffer grown past this by one huge record is dropped at the next reset, so that a thread
     * does not keep it for ever; batches of the trace topic take about 60 KiB.
     */
    private static final int KEEP_BYTES = 1 << 20;

    private byte[] buf = new byte[8192];
    private int count;

    @Override
    public void write(int b) {
      if (count == buf.length) {
        grow(1);
      }
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (buf.length - count < len) {
        grow(len);
      }
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    private void grow(int more) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
    }

    void reset() {
      count = 0;
      if (buf.length > KEEP_BYTES) {
        buf = new byte[8192];
      }
    }

    /** The bytes written since the last reset, as a new array of their exact size. */
    byte[] bytes() {
      return Arrays.copyOf(buf, count);
    }
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }
}
