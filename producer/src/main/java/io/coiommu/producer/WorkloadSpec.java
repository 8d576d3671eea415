package io.coiommu.producer;

import io.coiommu.schema.NamedSpec;
import io.coiommu.schema.Quantities;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * A parsed {@code NAME[:KEY=VALUE[,KEY=VALUE]...]} workload spec. Every key must be one the
 * workload knows: a typo is an error, never silently a default.
 */
final class WorkloadSpec {

  private final String text;
  private final String name;
  private final Map<String, String> values = new LinkedHashMap<>();
  private final Set<String> read = new TreeSet<>();

  private WorkloadSpec(String text, String name) {
    this.text = text;
    this.name = name;
  }

  static WorkloadSpec parse(String text) {
    NamedSpec parsed = NamedSpec.parse(text, "workload");
    WorkloadSpec spec = new WorkloadSpec(text, parsed.name());
    spec.values.putAll(parsed.params());
    return spec;
  }

  String name() {
    return name;
  }

  String text() {
    return text;
  }

  boolean has(String key) {
    return values.containsKey(key);
  }

  String string(String key, String dflt) {
    read.add(key);
    return values.getOrDefault(key, dflt);
  }

  long bytes(String key, long dflt) {
    String v = string(key, null);
    return v == null ? dflt : positive(key, wrap(key, () -> Quantities.bytes(v)));
  }

  long nanos(String key, long dflt) {
    String v = string(key, null);
    return v == null ? dflt : wrap(key, () -> Quantities.nanos(v));
  }

  double number(String key, double dflt) {
    String v = string(key, null);
    if (v == null) {
      return dflt;
    }
    double d = wrap(key, () -> Double.parseDouble(v));
    if (!(d >= 0) || Double.isInfinite(d)) {
      throw new IllegalArgumentException(
          "workload '" + text + "': " + key + " must be a non-negative number");
    }
    return d;
  }

  int count(String key, int dflt, int min) {
    double d = number(key, dflt);
    if (d != Math.rint(d) || d < min || d > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "workload '" + text + "': " + key + " must be a whole number >= " + min);
    }
    return (int) d;
  }

  double share(String key, double dflt) {
    double d = number(key, dflt);
    if (d > 1) {
      throw new IllegalArgumentException(
          "workload '" + text + "': " + key + " must be between 0 and 1");
    }
    return d;
  }

  /** Fails on keys nobody read: call after reading every key the workload knows. */
  void rejectUnknownKeys() {
    for (String key : values.keySet()) {
      if (!read.contains(key)) {
        throw new IllegalArgumentException(
            "workload '"
                + text
                + "': unknown key '"
                + key
                + "' for "
                + name
                + " (known: "
                + String.join(", ", read)
                + ")");
      }
    }
  }

  private long positive(String key, long v) {
    if (v <= 0) {
      throw new IllegalArgumentException("workload '" + text + "': " + key + " must be positive");
    }
    return v;
  }

  private <T> T wrap(String key, Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "workload '" + text + "': " + key + ": " + e.getMessage(), e);
    }
  }
}
