package io.coiommu.analytics;

import io.coiommu.analytics.schema.GroupLevel;
import io.coiommu.analytics.schema.GroupSummary;
import io.coiommu.analytics.schema.GroupWindow;
import io.coiommu.analytics.schema.Percentiles;
import io.coiommu.schema.AvroSerde;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Serdes for the analytics role's own records. Avro 1.12.2 reads its allow-list of deserializable
 * packages once, when its validator loads, which may well be before this module runs: so these
 * classes are added to the validator itself rather than to the system property.
 */
public final class AnalyticsSchemas {

  private static final SchemaStore.Cache STORE = new SchemaStore.Cache();
  private static boolean trusted;

  static {
    STORE.addSchema(GroupWindow.getClassSchema());
    STORE.addSchema(GroupSummary.getClassSchema());
  }

  private AnalyticsSchemas() {}

  public static AvroSerde<GroupWindow> groupWindowSerde() {
    return serde(GroupWindow.class);
  }

  public static AvroSerde<GroupSummary> groupSummarySerde() {
    return serde(GroupSummary.class);
  }

  private static <T extends SpecificRecord> AvroSerde<T> serde(Class<T> type) {
    trustGeneratedClasses();
    return new AvroSerde<>(type, STORE);
  }

  static synchronized void trustGeneratedClasses() {
    if (!trusted) {
      ClassSecurityValidator.setGlobal(
          ClassSecurityValidator.composite(
              ClassSecurityValidator.getGlobal(),
              ClassSecurityValidator.builder()
                  .add(GroupWindow.class)
                  .add(GroupSummary.class)
                  .add(Percentiles.class)
                  .add(GroupLevel.class)
                  .build()));
      trusted = true;
    }
  }
}
