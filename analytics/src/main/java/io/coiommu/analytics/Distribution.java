package io.coiommu.analytics;

import java.util.function.ToDoubleFunction;
import org.HdrHistogram.DoubleHistogram;

/**
 * Percentiles of one figure across VMs (or any population), from an HdrHistogram with 3 significant
 * digits: p50/p90/p99 are within 0.1 % of the exact value; min and max are exact.
 */
public record Distribution(
    long count, double min, double p50, double p90, double p99, double max, long rejected) {

  private static final int SIGNIFICANT_DIGITS = 3;

  public static <T> Distribution of(Iterable<T> population, ToDoubleFunction<T> figure) {
    DoubleHistogram h = new DoubleHistogram(SIGNIFICANT_DIGITS);
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    long rejected = 0;
    for (T item : population) {
      double v = figure.applyAsDouble(item);
      if (v < 0 || !Double.isFinite(v)) {
        // Every figure here is a size, a count or a rate, and HdrHistogram holds non-negative
        // values only: such a value comes from a broken result, and is counted rather than allowed
        // to stop the report.
        rejected++;
        continue;
      }
      h.recordValue(v);
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    if (h.getTotalCount() == 0) {
      return new Distribution(0, 0, 0, 0, 0, 0, rejected);
    }
    return new Distribution(
        h.getTotalCount(),
        min,
        at(h, 50, min, max),
        at(h, 90, min, max),
        at(h, 99, min, max),
        max,
        rejected);
  }

  /**
   * A percentile, kept inside the exact range: a histogram bucket's representative may lie past the
   * max.
   */
  private static double at(DoubleHistogram h, double percentile, double min, double max) {
    return Math.max(min, Math.min(max, h.getValueAtPercentile(percentile)));
  }
}
