package io.coiommu.launcher.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus queries of a Grafana dashboard JSON: panel targets and template variable queries.
 */
final class GrafanaDashboard {

  private GrafanaDashboard() {}

  static List<String> queries(Object dashboard) {
    List<String> queries = new ArrayList<>();
    collectExpressions(dashboard, queries);
    if (dashboard instanceof Map<?, ?> d
        && d.get("templating") instanceof Map<?, ?> t
        && t.get("list") instanceof List<?> variables) {
      for (Object v : variables) {
        if (v instanceof Map<?, ?> variable && "query".equals(variable.get("type"))) {
          Object q = variable.get("query");
          queries.add(String.valueOf(q instanceof Map<?, ?> m ? m.get("query") : q));
        }
      }
    }
    return queries;
  }

  /** Panel targets keep their PromQL in "expr", at whatever depth (rows nest panels). */
  private static void collectExpressions(Object node, List<String> out) {
    if (node instanceof Map<?, ?> m) {
      m.forEach(
          (k, v) -> {
            if ("expr".equals(k) && v instanceof String s) {
              out.add(s);
            } else {
              collectExpressions(v, out);
            }
          });
    } else if (node instanceof List<?> l) {
      l.forEach(v -> collectExpressions(v, out));
    }
  }
}
