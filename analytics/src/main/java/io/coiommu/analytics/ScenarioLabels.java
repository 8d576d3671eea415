package io.coiommu.analytics;

import io.coiommu.schema.NamedSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Short names for chart legends: the policy, plus only those parameters whose values differ among
 * the scenarios of that policy ("coiommu interval=1s" against "coiommu interval=10s"). The full
 * spec stays in tooltips; the terminal table shows these labels and, once per policy, the
 * parameters its scenarios share ({@link #shared}), so no parameter is lost.
 */
final class ScenarioLabels {

  private ScenarioLabels() {}

  static Map<String, String> of(Collection<String> specs) {
    Map<String, List<String>> byPolicy =
        specs.stream()
            .distinct()
            .collect(
                Collectors.groupingBy(ScenarioLabels::policy, TreeMap::new, Collectors.toList()));
    Map<String, String> labels = new LinkedHashMap<>();
    byPolicy.forEach(
        (policy, group) -> {
          List<Map<String, String>> params = group.stream().map(ScenarioLabels::params).toList();
          for (int i = 0; i < group.size(); i++) {
            Map<String, String> mine = params.get(i);
            String differing =
                mine.entrySet().stream()
                    .filter(
                        e ->
                            params.stream()
                                .anyMatch(p -> !Objects.equals(p.get(e.getKey()), e.getValue())))
                    .map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(","));
            labels.put(group.get(i), differing.isEmpty() ? policy : policy + " " + differing);
          }
        });
    return labels;
  }

  /**
   * Per policy with parameters, those every one of its scenarios has with the same value, as
   * "policy: k=v,...": what {@link #of} leaves out of the labels.
   */
  static List<String> shared(Collection<String> specs) {
    Map<String, List<Map<String, String>>> byPolicy = new LinkedHashMap<>();
    specs.stream()
        .distinct()
        .forEach(
            spec ->
                byPolicy.computeIfAbsent(policy(spec), p -> new ArrayList<>()).add(params(spec)));
    List<String> lines = new ArrayList<>();
    byPolicy.forEach(
        (policy, params) -> {
          String common =
              params.get(0).entrySet().stream()
                  .filter(
                      e ->
                          params.stream()
                              .allMatch(p -> Objects.equals(p.get(e.getKey()), e.getValue())))
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(","));
          if (!common.isEmpty()) {
            lines.add(policy + ": " + common);
          }
        });
    return lines;
  }

  static String policy(String spec) {
    return NamedSpec.parse(spec, "scenario").name();
  }

  /** Parameters in spec order. */
  private static Map<String, String> params(String spec) {
    return NamedSpec.parse(spec, "scenario").params();
  }
}
