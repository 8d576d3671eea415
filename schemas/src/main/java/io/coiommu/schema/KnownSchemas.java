package io.coiommu.schema;

import org.apache.avro.message.SchemaStore;

/**
 * Writer schemas a reader can resolve by fingerprint: the current version of every record this
 * project writes. Older versions join here as the schemas evolve, so records already in topics
 * and archives stay readable.
 */
public final class KnownSchemas {

  /** The system property Avro 1.12.2 consults before it instantiates generated classes. */
  public static final String SERIALIZABLE_PACKAGES = "org.apache.avro.SERIALIZABLE_PACKAGES";

  private static final SchemaStore.Cache STORE = new SchemaStore.Cache();

  static {
    allowGeneratedPackage();
    STORE.addSchema(TraceEvent.getClassSchema());
    STORE.addSchema(EventBatch.getClassSchema());
    STORE.addSchema(WindowResult.getClassSchema());
    STORE.addSchema(Anomaly.getClassSchema());
  }

  private KnownSchemas() {}

  public static SchemaStore store() {
    return STORE;
  }

  /**
   * Adds this project's generated package to Avro's allow-list, keeping whatever the user set,
   * so that deserialization works without a JVM flag.
   */
  public static synchronized void allowGeneratedPackage() {
    String pkg = KnownSchemas.class.getPackageName();
    String current = System.getProperty(SERIALIZABLE_PACKAGES, "");
    for (String p : current.split(",")) {
      if (p.trim().equals(pkg)) {
        return;
      }
    }
    System.setProperty(SERIALIZABLE_PACKAGES, current.isBlank() ? pkg : current + "," + pkg);
  }
}
