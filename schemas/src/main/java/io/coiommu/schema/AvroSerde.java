package io.coiommu.schema;

import java.io.IOException;
import java.nio.ByteBuffer;
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
    try {
      ByteBuffer buf = encoder.encode(data);
      byte[] out = new byte[buf.remaining()];
      buf.get(out);
      return out;
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
