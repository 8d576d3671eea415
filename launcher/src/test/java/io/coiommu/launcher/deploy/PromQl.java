package io.coiommu.launcher.deploy;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names a PromQL expression (or a Grafana {@code label_values(...)} query) reads. */
final class PromQl {

  private static final Pattern STRING =
      Pattern.compile("\"(\\\\.|[^\"\\\\])*\"|'(\\\\.|[^'\\\\])*'|`[^`]*`");
  private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("\\blabel_values\\s*\\(([^,)]*)(,[^)]*)?\\)");
  // Not preceded by a word character, '.', or '$' (numbers like 1e9, Grafana variables like
  // $scenario).
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])[A-Za-z_:][\\w:]*");
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "inf",
          "nan",
          "Inf",
          "NaN");

  private PromQl() {}

  static Set<String> metricNames(String expression) {
    String e =
        LABEL_VALUES.matcher(expression).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
    e = STRING.matcher(e).replaceAll(" ");
    e = LABEL_MATCHERS.matcher(e).replaceAll(" ");
    e = RANGE.matcher(e).replaceAll(" ");
    e = GROUPING.matcher(e).replaceAll(" ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = IDENTIFIER.matcher(e);
    while (m.find()) {
      boolean isFunction = e.substring(m.end()).matches("(?s)\\s*\\(.*");
      if (!isFunction && !KEYWORDS.contains(m.group())) {
        names.add(m.group());
      }
    }
    return names;
  }
}
