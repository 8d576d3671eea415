package io.coiommu.schema;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one {@code name[:key=value(,key=value)*]} grammar of workload specs, scenario specs, scenario
 * names and cost overrides. The name and keys are lower-cased and trimmed; values are trimmed and
 * kept as written (a file path or a device address keeps its case). A pair that is not {@code
 * key=value}, or a key given twice, is refused with a message that names the spec.
 *
 * @param name what comes before the first ':', lower-cased
 * @param params the pairs in spec order
 */
public record NamedSpec(String name, Map<String, String> params) {

  /** Parses {@code text}; {@code what} ("workload", "scenario") starts every error message. */
  public static NamedSpec parse(String text, String what) {
    String trimmed = text.trim();
    int colon = trimmed.indexOf(':');
    String name =
        (colon < 0 ? trimmed : trimmed.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty " + what + " spec");
    }
    String pairs = colon < 0 ? "" : trimmed.substring(colon + 1);
    return new NamedSpec(name, params(pairs, what + " '" + text + "'"));
  }

  /**
   * Just the {@code key=value(,key=value)*} part (empty for a blank text); {@code context} starts
   * every error.
   */
  public static Map<String, String> params(String pairs, String context) {
    Map<String, String> out = new LinkedHashMap<>();
    if (pairs.isBlank()) {
      return Collections.unmodifiableMap(out);
    }
    for (String pair : pairs.split(",", -1)) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? "" : pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = eq < 0 ? "" : pair.substring(eq + 1).trim();
      if (key.isEmpty() || value.isEmpty()) {
        throw new IllegalArgumentException(
            context + ": expected KEY=VALUE, got '" + pair.trim() + "'");
      }
      if (out.put(key, value) != null) {
        throw new IllegalArgumentException(context + ": '" + key + "' given twice");
      }
    }
    return Collections.unmodifiableMap(out);
  }
}
