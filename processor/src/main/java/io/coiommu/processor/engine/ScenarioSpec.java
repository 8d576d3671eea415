package io.coiommu.processor.engine;

import io.coiommu.schema.NamedSpec;
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
 * A comma-separated item that contains '=' is a parameter of the scenario before it; any other item
 * starts a new scenario. Policy names never contain '=', so the split is unambiguous, and a list of
 * canonical names joined by commas parses back to the same scenarios.
 */
public final class ScenarioSpec {

  /** The eight scenarios of a default run. */
  public static final String DEFAULTS =
      "static,viommu-strict,viommu-lazy,virtio-iommu,"
          + "coiommu:unpin=lru,interval=10s,limit=8192,gen=10,"
          + "coiommu:unpin=lru,interval=10s,limit=8192,gen=10,smart=off,"
          + "coiommu:unpin=lru,interval=10s,limit=8192,gen=10,lazy=off,"
          + "oracle";

  private static final String ALTERNATIVES = "/";

  private ScenarioSpec() {}

  /**
   * Parses a spec into scenarios, in order. Throws IllegalArgumentException naming the offending
   * item.
   */
  public static List<Scenario> parse(String spec) {
    List<Scenario> out = new ArrayList<>();
    for (RawScenario raw : split(spec)) {
      for (Map.Entry<String, String> p : raw.params().entrySet()) {
        if (p.getValue().contains(ALTERNATIVES)) {
          throw new IllegalArgumentException(
              "scenario '"
                  + raw.text()
                  + "': value '"
                  + p.getValue()
                  + "' of "
                  + p.getKey()
                  + " lists alternatives; use a sweep to expand them");
        }
      }
      out.add(build(raw.policy(), raw.params(), raw.text()));
    }
    return unique(out);
  }

  /**
   * Expands a spec whose parameter values may list alternatives separated by '/' into every
   * combination, e.g. {@code coiommu:unpin=lru,interval=1s/2s/5s/10s/30s/60s,limit=8192} gives six
   * scenarios. Several swept parameters give their cartesian product, the first one varying
   * slowest; several scenarios are expanded in order.
   */
  public static List<Scenario> sweep(String sweepSpec) {
    List<Scenario> out = new ArrayList<>();
    for (RawScenario raw : split(sweepSpec)) {
      List<Map<String, String>> combos = new ArrayList<>();
      combos.add(new LinkedHashMap<>());
      for (Map.Entry<String, String> p : raw.params().entrySet()) {
        List<Map<String, String>> next = new ArrayList<>();
        String[] values = p.getValue().split(ALTERNATIVES, -1);
        for (Map<String, String> c : combos) {
          for (String v : values) {
            if (v.isEmpty()) {
              throw new IllegalArgumentException(
                  "scenario '"
                      + raw.text()
                      + "': empty alternative in "
                      + p.getKey()
                      + "="
                      + p.getValue());
            }
            Map<String, String> m = new LinkedHashMap<>(c);
            m.put(p.getKey(), v);
            next.add(m);
          }
        }
        combos = next;
      }
      for (Map<String, String> c : combos) {
        out.add(build(raw.policy(), c, raw.text()));
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

  /**
   * One scenario of a spec: its policy, its parameters (values lower-cased) and its text for error
   * messages.
   */
  private record RawScenario(PolicyKind policy, Map<String, String> params, String text) {}

  /**
   * Splits a spec into its scenarios (an item without '=', or with ':' before its '=', starts one),
   * each then read by the one {@code name:key=value} parser.
   */
  private static List<RawScenario> split(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("scenario spec is empty");
    }
    List<StringBuilder> texts = new ArrayList<>();
    for (String item : spec.split(",", -1)) {
      String t = item.trim();
      if (t.isEmpty()) {
        throw new IllegalArgumentException("scenario spec '" + spec + "' has an empty item");
      }
      int colon = t.indexOf(':');
      if (!t.contains("=") || colon >= 0 && colon < t.indexOf('=')) {
        texts.add(new StringBuilder(t));
      } else if (texts.isEmpty()) {
        throw new IllegalArgumentException("parameter '" + t + "' comes before any policy");
      } else {
        // "static,interval=10s": the scenario's first parameter follows its name after ':'.
        StringBuilder text = texts.get(texts.size() - 1);
        text.append(text.indexOf(":") < 0 ? ':' : ',').append(t);
      }
    }
    List<RawScenario> out = new ArrayList<>();
    for (StringBuilder text : texts) {
      NamedSpec parsed = NamedSpec.parse(text.toString(), "scenario");
      PolicyKind kind = PolicyKind.bySpecName(parsed.name());
      if (kind == null) {
        throw new IllegalArgumentException(
            "unknown policy '" + parsed.name() + "' in scenario spec; known: " + knownPolicies());
      }
      Map<String, String> params = new LinkedHashMap<>();
      parsed.params().forEach((k, v) -> params.put(k, v.toLowerCase(Locale.ROOT)));
      out.add(new RawScenario(kind, params, text.toString()));
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
