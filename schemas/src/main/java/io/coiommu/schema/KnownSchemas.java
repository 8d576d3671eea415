package io.coiommu.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;

/**
 * Writer schemas a reader can resolve by fingerprint: the current version of every record this
 * project writes, and every older version still found in topics and archives (shipped as resources
 * beside this class, named {@code Record-vN.avsc}).
 */
public final class KnownSchemas {

  /** The system property Avro 1.12.2 consults before it instantiates generated classes. */
  public static final String SERIALIZABLE_PACKAGES = "org.apache.avro.SERIALIZABLE_PACKAGES";

  static {
    // Before anything below touches a generated class: Avro reads the allow-list once, when it
    // first needs it.
    allowGeneratedPackage();
  }

  /**
   * EventBatch version 1: events as a list of TraceEvent records. Its file names TraceEvent, which
   * has not changed since; should it change, its version of that time must be shipped and parsed
   * here first.
   */
  public static final Schema EVENT_BATCH_V1 =
      previous("EventBatch-v1.avsc", TraceEvent.getClassSchema());

  /**
   * EventBatch version 2: events as columns, batches ordered by seq alone (version 3 adds
   * firstIndex).
   */
  public static final Schema EVENT_BATCH_V2 =
      previous("EventBatch-v2.avsc", TraceEvent.getClassSchema());

  private static final SchemaStore.Cache STORE = new SchemaStore.Cache();

  static {
    STORE.addSchema(TraceEvent.getClassSchema());
    STORE.addSchema(EventBatch.getClassSchema());
    STORE.addSchema(WindowResult.getClassSchema());
    STORE.addSchema(Anomaly.getClassSchema());
    STORE.addSchema(EVENT_BATCH_V1);
    STORE.addSchema(EVENT_BATCH_V2);
  }

  private KnownSchemas() {}

  private static Schema previous(String resource, Schema... namedTypes) {
    Schema.Parser parser = new Schema.Parser();
    for (Schema s : namedTypes) {
      parser.parse(s.toString());
    }
    try (InputStream in = KnownSchemas.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema resource " + resource + " is missing from the jar");
      }
      return parser.parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schema resource " + resource, e);
    }
  }

  public static SchemaStore store() {
    return STORE;
  }

  /**
   * Adds this project's generated package to Avro's allow-list, keeping whatever the user set, so
   * that deserialization works without a JVM flag.
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
