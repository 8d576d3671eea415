package io.coiommu.launcher.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Medians and the way figures are printed. */
final class Figures {

  private Figures() {}

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /** Large counts with thousands separators, small ratios with two decimals. */
  static String format(double value) {
    if (Math.abs(value) >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }

  /** The median, then every repeat: {@code "1,234,567 (1,200,000 1,234,567 1,300,000)"}. */
  static String withRepeats(List<Double> values) {
    StringBuilder s = new StringBuilder(format(median(values)));
    if (values.size() > 1) {
      s.append("  (");
      for (int i = 0; i < values.size(); i++) {
        s.append(i == 0 ? "" : " ").append(format(values.get(i)));
      }
      s.append(')');
    }
    return s.toString();
  }
}
