package io.coiommu.producer;

import java.io.PrintStream;
import java.util.OptionalLong;

/** One plain line every few seconds, for output that is not a terminal (logs, CI). */
final class PeriodicProgressLines implements ProgressListener {

  private static final long PERIOD_NANOS = 5_000_000_000L;

  private final PrintStream out;
  private ProgressMeter meter;
  private long lastLine;

  PeriodicProgressLines(PrintStream out) {
    this.out = out;
  }

  @Override
  public void started(String description, OptionalLong expectedEvents) {
    meter = new ProgressMeter(expectedEvents);
    lastLine = System.nanoTime();
    out.println(
        "producing "
            + description
            + (expectedEvents.isPresent() ? " (" + expectedEvents.getAsLong() + " events)" : ""));
  }

  @Override
  public void progressed(long events, long traceNs) {
    long now = System.nanoTime();
    if (now - lastLine < PERIOD_NANOS) {
      return;
    }
    lastLine = now;
    ProgressMeter.OptionalDoubleShare share = meter.share(events);
    out.println(
        String.format(
                "produced %,d events%s, %s events/s, trace %.1f s %s",
                events,
                share.known() ? String.format(" (%.0f%%)", share.value() * 100) : "",
                ProgressMeter.count(meter.rate(events)),
                traceNs / 1e9,
                meter.eta(events))
            .stripTrailing());
  }

  @Override
  public void finished(ProduceStats stats) {
    out.println("produced " + stats.summary());
  }
}
