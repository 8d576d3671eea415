package io.coiommu.processor.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The scenario spec language of the CLI and configuration (grammar in docs/policies.md).
 *
 * <pre>
 * spec      := scenario ( ',' scenario )*
 * scenario  := policy [ ':' param ( ',' param )* ]
 * param     := name '=' value                 (sweep only: value ( '/' value )*)
 * </pre>
 *
 * A comma-separated item that contains '=' is a parameter of the scenario before it; any other item starts a new
 * scenario. Policy names never contain '=', so the split is unambiguous, and a list of canonical names joined by
 * commas parses back to the same scenarios.
 */
public final class ScenarioSpec {

  /** The eight scenarios of a default run. */
  public static final String DEFAULTS = "static,viommu-strict,viommu-lazy,virtio-iommu,"
      + "coiommu:unpin=lru,interval=10s,limit=8192,gen=10,"
      + "coiommu:unpin=lru,interval=10s,limit=8192,gen=10,smart=off,"
      + "coiommu:unpin=lru,interval=10s,limit=8192,gen=10,lazy=off,"
      + "oracle";

  private static final String ALTERNATIVES = "/";

  private ScenarioSpec() {}

  /** Parses a spec into scenarios, in order. Throws IllegalArgumentException naming the offending item. */
  public static List<Scenario> parse(String spec) {
    List<Scenario> out = new ArrayList<>();
    for (RawScenario raw : split(spec)) {
      for (Map.Entry<String, String> p : raw.params.entrySet()) {
        if (p.getValue().contains(ALTERNATIVES)) {
          throw new IllegalArgumentException("scenario '" + raw.text() + "': value '" + p.getValue()
              + "' of " + p.getKey() + " lists alternatives; use a sweep to expand them");
        }
      }
      out.add(build(raw.policy, raw.params, raw.text()));
    }
    return unique(out);
  }

  /**
   * Expands a spec whose parameter values may list alternatives separated by '/' into every combination, e.g.
   * {@code coiommu:unpin=lru,interval=1s/2s/5s/10s/30s/60s,limit=8192} gives six scenarios. Several swept
   * parameters give their cartesian product, the first one varying slowest; several scenarios are expanded in order.
   */
  public static List<Scenario> sweep(String sweepSpec) {
    List<Scenario> out = new ArrayList<>();
    for (RawScenario raw : split(sweepSpec)) {
      List<Map<String, String>> combos = new ArrayList<>();
      combos.add(new LinkedHashMap<>());
      for (Map.Entry<String, String> p : raw.params.entrySet()) {
        List<Map<String, String>> next = new ArrayList<>();
        String[] values = p.getValue().split(ALTERNATIVES, -1);
        for (Map<String, String> c : combos) {
          for (String v : values) {
            if (v.isEmpty()) {
              throw new IllegalArgumentException("scenario '" + raw.text() + "': empty alternative in "
                  + p.getKey() + "=" + p.getValue());
            }
            Map<String, String> m = new LinkedHashMap<>(c);
            m.put(p.getKey(), v);
            next.add(m);
          }
        }
        combos = next;
      }
      for (Map<String, String> c : combos) {
        out.add(build(raw.policy, c, raw.text()));
      }
    }
    return unique(out);
  }

  private static List<Scenario> unique(List<Scenario> scenarios) {
    Set<String> seen = new LinkedHashSet<>();
    for (Scenario s : scenarios) {
      if (!seen.add(s.name())) {
        throw new IllegalArgumentException("scenario " + s.name() + " is listed twice");
      }
    }
    return List.copyOf(scenarios);
  }

  private static final class RawScenario {
    final PolicyKind policy;
    final Map<String, String> params = new LinkedHashMap<>();
    final StringBuilder text = new StringBuilder();

    RawScenario(PolicyKind policy) {
      this.policy = policy;
    }

    String text() {
      return text.toString();
    }
  }

  private static List<RawScenario> split(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("scenario spec is empty");
    }
    List<RawScenario> out = new ArrayList<>();
    RawScenario current = null;
    for (String item : spec.split(",", -1)) {
      String t = item.trim();
      if (t.isEmpty()) {
        throw new IllegalArgumentException("scenario spec '" + spec + "' has an empty item");
      }
      String param = t;
      if (!t.contains("=") || t.indexOf(':') >= 0 && t.indexOf(':') < t.indexOf('=')) {
        int colon = t.indexOf(':');
        String policyName = (colon < 0 ? t : t.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        PolicyKind kind = PolicyKind.bySpecName(policyName);
        if (kind == null) {
          throw new IllegalArgumentException("unknown policy '" + policyName + "' in scenario spec; known: "
              + knownPolicies());
        }
        current = new RawScenario(kind);
        current.text.append(t);
        out.add(current);
        if (colon < 0) {
          continue;
        }
        param = t.substring(colon + 1).trim();
      } else if (current == null) {
        throw new IllegalArgumentException("parameter '" + t + "' comes before any policy");
      } else {
        current.text.append(',').append(t);
      }
      int eq = param.indexOf('=');
      String name = param.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = param.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty() || value.isEmpty()) {
        throw new IllegalArgumentException("scenario '" + current.text() + "': '" + param + "' is not name=value");
      }
      if (current.params.put(name, value) != null) {
        throw new IllegalArgumentException("scenario '" + current.text() + "' sets " + name + " twice");
      }
    }
    return out;
  }

  private static Scenario build(PolicyKind kind, Map<String, String> params, String text) {
    return new Scenario(kind.parse(new SpecParams(params, text)));
  }

  private static String knownPolicies() {
    List<String> names = new ArrayList<>();
    for (PolicyKind k : PolicyKind.values()) {
      names.add(k.specName());
    }
    return String.join(", ", names);
  }
}
