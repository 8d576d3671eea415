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
    Params p = new Params(params, text);
    Scenario s;
    switch (kind) {
      case COIOMMU:
        // Without parameters: crosvm's defaults (policy off, 60 s, no limit, G = 10), no ablation.
        s = new Scenario(kind,
            p.choice("unpin", UnpinPolicy.OFF),
            p.duration("interval", 60_000_000_000L, 0),
            p.limit("limit"),
            (int) p.integer("gen", 10, 0, 1_000_000),
            p.onOff("smart", true),
            p.onOff("lazy", true),
            (int) p.integer("pinahead", 0, 0, 1_000_000),
            0, 0);
        break;
      case VIOMMU_LAZY:
        // Linux's flush queue: IOVA_FQ_SIZE = 256 entries, IOVA_FQ_TIMEOUT = 10 ms.
        s = new Scenario(kind, null, 0, 0, 0, false, false, 0,
            (int) p.integer("queue", 256, 1, 1_000_000),
            p.duration("timeout", 10_000_000L, 1));
        break;
      default:
        s = new Scenario(kind, null, 0, 0, 0, false, false, 0, 0, 0);
        break;
    }
    p.rejectUnused(kind);
    return s;
  }

  private static String knownPolicies() {
    List<String> names = new ArrayList<>();
    for (PolicyKind k : PolicyKind.values()) {
      names.add(k.specName());
    }
    return String.join(", ", names);
  }

  /** Typed access to a scenario's parameters, remembering which were used so leftovers can be reported. */
  private static final class Params {
    private final Map<String, String> values;
    private final Set<String> used = new LinkedHashSet<>();
    private final String text;

    Params(Map<String, String> values, String text) {
      this.values = values;
      this.text = text;
    }

    private String take(String name) {
      used.add(name);
      return values.get(name);
    }

    private IllegalArgumentException bad(String name, String value, String expected) {
      return new IllegalArgumentException("scenario '" + text + "': " + name + "=" + value + " is invalid ("
          + expected + ")");
    }

    UnpinPolicy choice(String name, UnpinPolicy dflt) {
      String v = take(name);
      if (v == null) {
        return dflt;
      }
      for (UnpinPolicy u : UnpinPolicy.values()) {
        if (u.name().toLowerCase(Locale.ROOT).equals(v)) {
          return u;
        }
      }
      throw bad(name, v, "expected off or lru");
    }

    long duration(String name, long dflt, long min) {
      String v = take(name);
      if (v == null) {
        return dflt;
      }
      long ns = Durations.parse(v, "scenario '" + text + "': " + name);
      if (ns < min) {
        throw bad(name, v, "must be at least " + Durations.format(min));
      }
      return ns;
    }

    long limit(String name) {
      String v = take(name);
      if (v == null || v.equals("unlimited") || v.equals("none")) {
        return Scenario.UNLIMITED;
      }
      return integer(name, v, 0, Long.MAX_VALUE);
    }

    long integer(String name, long dflt, long min, long max) {
      String v = take(name);
      return v == null ? dflt : integer(name, v, min, max);
    }

    private long integer(String name, String v, long min, long max) {
      long n;
      try {
        n = Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw bad(name, v, "expected an integer");
      }
      if (n < min || n > max) {
        throw bad(name, v, "must be between " + min + " and " + max);
      }
      return n;
    }

    boolean onOff(String name, boolean dflt) {
      String v = take(name);
      if (v == null) {
        return dflt;
      }
      if (v.equals("on")) {
        return true;
      }
      if (v.equals("off")) {
        return false;
      }
      throw bad(name, v, "expected on or off");
    }

    void rejectUnused(PolicyKind kind) {
      for (String name : values.keySet()) {
        if (!used.contains(name)) {
          throw new IllegalArgumentException("scenario '" + text + "': " + kind.specName()
              + " has no parameter '" + name + "'" + (used.isEmpty() ? "" : "; it has " + String.join(", ", used)));
        }
      }
    }
  }
}
