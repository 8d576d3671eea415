package io.coiommu.analytics;

import io.coiommu.analytics.schema.GroupLevel;
import io.coiommu.analytics.schema.GroupSummary;
import io.coiommu.analytics.schema.GroupWindow;
import io.coiommu.analytics.schema.Percentiles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Turns a summary into the analytics role's Avro records. Their fields are named after the columns
 * of summary.json and timeseries.csv (in camelCase), so the same figures carry the same names
 * everywhere and a column added there only needs its field added to the schema.
 */
public final class AnalyticsRecords {

  private AnalyticsRecords() {}

  /**
   * Every window of the fleet and of each host, per scenario, in scenario, group and time order.
   */
  public static List<GroupWindow> groupWindows(RunSummary s) {
    List<GroupWindow> out = new ArrayList<>();
    for (ScenarioRun sc : s.scenarios()) {
      addWindows(out, sc.scenario(), GroupLevel.FLEET, sc.fleet());
      sc.hosts().forEach(h -> addWindows(out, sc.scenario(), GroupLevel.HOST, h));
    }
    return out;
  }

  /** The fleet's and each host's run figures, per scenario. */
  public static List<GroupSummary> groupSummaries(RunSummary s) {
    List<GroupSummary> out = new ArrayList<>();
    for (ScenarioRun sc : s.scenarios()) {
      out.add(summary(sc.scenario(), GroupLevel.FLEET, sc.fleet()));
      sc.hosts().forEach(h -> out.add(summary(sc.scenario(), GroupLevel.HOST, h)));
    }
    return out;
  }

  private static void addWindows(
      List<GroupWindow> out, String scenario, GroupLevel level, VmGroup group) {
    WindowSeries series = group.series();
    if (series.isEmpty()) {
      return;
    }
    for (long w = series.firstWindow(); w <= series.lastWindow(); w++) {
      GroupWindow r = new GroupWindow();
      r.setScenario(scenario);
      r.setLevel(level);
      r.setGroup(group.name());
      r.setWindowStartNs(series.startOf(w));
      r.setWindowEndNs(series.startOf(w + 1));
      for (WindowColumn c : WindowColumn.ALL) {
        put(r, c.name(), c.of(series, w));
      }
      out.add(r);
    }
  }

  private static GroupSummary summary(String scenario, GroupLevel level, VmGroup group) {
    GroupSummary r = new GroupSummary();
    r.setScenario(scenario);
    r.setLevel(level);
    r.setComplete(group.vms().stream().allMatch(VmRun::sawLast));
    for (GroupColumn c : GroupColumn.ALL) {
      put(r, c.name(), c.of(group));
    }
    Map<String, Percentiles> distributions = new LinkedHashMap<>();
    SummaryJson.DISTRIBUTIONS.keySet().stream()
        .sorted()
        .forEach(
            name -> {
              Distribution d = Distribution.of(group.vms(), SummaryJson.DISTRIBUTIONS.get(name));
              distributions.put(
                  name, new Percentiles(d.count(), d.min(), d.p50(), d.p90(), d.p99(), d.max()));
            });
    r.setDistributions(distributions);
    return r;
  }

  /**
   * Sets the field named after a column, converting the column's number to the field's Avro type.
   */
  static void put(SpecificRecordBase record, String column, Object value) {
    String field = camelCase(column);
    Schema.Field f = record.getSchema().getField(field);
    if (f == null) {
      throw new IllegalStateException(
          record.getSchema().getName() + " has no field " + field + " for column " + column);
    }
    Object converted =
        switch (f.schema().getType()) {
          case LONG -> ((Number) value).longValue();
          case INT -> ((Number) value).intValue();
          case DOUBLE -> ((Number) value).doubleValue();
          case BOOLEAN -> (Boolean) value;
          case STRING -> String.valueOf(value);
          default ->
              throw new IllegalStateException("unexpected type of " + field + ": " + f.schema());
        };
    record.put(f.pos(), converted);
  }

  static String camelCase(String snake) {
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (char ch : snake.toCharArray()) {
      if (ch == '_') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(ch) : ch);
        upper = false;
      }
    }
    return out.toString();
  }
}
