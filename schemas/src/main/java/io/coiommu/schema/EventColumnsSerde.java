package io.coiommu.schema;

import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde of trace-topic values as {@link EventColumns}: single-object-encoded {@link
 * EventBatch} records of any version underneath. Records of the current schema are read straight
 * from their bytes ({@link EventBatchReader}), the others through Avro's decoder. Columns that do
 * not decode fail with a {@link SerializationException}, which Kafka's deserialization-exception
 * handlers catch, so the record goes to the dead-letter topic instead of stopping the consumer.
 *
 * <p>A consumer that {@link EventColumns#recycle recycles} the batches it is done with has the next
 * records of its thread decoded into their arrays; one that does not gets fresh columns for every
 * record.
 */
public final class EventColumnsSerde
    implements Serde<EventColumns>, Serializer<EventColumns>, Deserializer<EventColumns> {

  private final AvroSerde<EventBatch> batches = AvroSerde.of(EventBatch.class);

  /**
   * Columns of recycled batches, per thread: Kafka Streams may share one serde between its stream
   * threads, and each thread decodes and processes its own records.
   */
  private final ThreadLocal<ColumnSpares> spares = ThreadLocal.withInitial(ColumnSpares::new);

  @Override
  public byte[] serialize(String topic, EventColumns columns) {
    return columns == null
        ? null
        : batches.serialize(topic, columns.toBatch(columns.vm(), columns.seq()));
  }

  @Override
  public EventColumns deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    try {
      return EventBatchReader.isCurrent(data)
          ? EventBatchReader.read(data, spares.get())
          : EventColumns.of(batches.deserialize(topic, data));
    } catch (InvalidBatchException e) {
      throw new SerializationException(
          "cannot decode the columns of a record from topic " + topic + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}

  @Override
  public Serializer<EventColumns> serializer() {
    return this;
  }

  @Override
  public Deserializer<EventColumns> deserializer() {
    return this;
  }
}
