package io.coiommu.analytics;

/** Units every figure is converted with. */
final class Units {

  /** The emulation's page: a 4 KiB guest frame. */
  static final long PAGE_BYTES = 4096;

  static final double MIB = 1024.0 * 1024.0;
  static final double NANOS_PER_SECOND = 1e9;

  private Units() {}

  static double seconds(long nanos) {
    return nanos / NANOS_PER_SECOND;
  }

  /** A rate per second of trace time; 0 for an empty span rather than a division by zero. */
  static double perSecond(long count, long spanNanos) {
    return spanNanos <= 0 ? 0 : count / seconds(spanNanos);
  }

  static double ratio(double part, double whole) {
    return whole <= 0 ? 0 : part / whole;
  }
}
