package io.coiommu.schema;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Kafka headers that say which processor application made a {@link WindowResult}, so that readers
 * of a result topic shared by several what-if applications (each re-reading one trace topic with
 * its own scenarios) never mix them. Every result names its application; a VM's last record also
 * carries the application's scenario list, in order, and its cost model, which a report needs and
 * the small last records carry at no real cost.
 */
public final class ResultHeaders {

  /** The Kafka Streams application id of the processor. */
  public static final String APPLICATION = "coiommu.application";

  /** Scenario names, in the processor's order, separated by newlines (names contain commas). */
  public static final String SCENARIOS = "coiommu.scenarios";

  /** The cost model's description. */
  public static final String COST_MODEL = "coiommu.cost-model";

  private ResultHeaders() {}

  /** Headers of an ordinary result. */
  public static Headers of(String application) {
    return new RecordHeaders().add(APPLICATION, bytes(application));
  }

  /** Headers of a VM's last result. */
  public static Headers ofLast(String application, List<String> scenarios, String costModel) {
    return of(application)
        .add(SCENARIOS, bytes(String.join("\n", scenarios)))
        .add(COST_MODEL, bytes(costModel));
  }

  /** The header's value, or null when the record has none (results written before headers were). */
  public static String get(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** The scenario list of a last record's headers, or null. */
  public static List<String> scenarios(Headers headers) {
    String s = get(headers, SCENARIOS);
    return s == null ? null : List.of(s.split("\n"));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
