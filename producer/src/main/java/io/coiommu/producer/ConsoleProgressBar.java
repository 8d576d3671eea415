package io.coiommu.producer;

import java.io.PrintStream;
import java.util.OptionalLong;

/**
 * A single terminal line redrawn in place: bar, events, events/s, % and ETA where the total is
 * known.
 */
final class ConsoleProgressBar implements ProgressListener {

  private static final long REDRAW_NANOS = 200_000_000L;
  private static final int WIDTH = 30;

  private final PrintStream out;
  private ProgressMeter meter;
  private long lastDraw;
  private int lastLength;

  ConsoleProgressBar(PrintStream out) {
    this.out = out;
  }

  @Override
  public void started(String description, OptionalLong expectedEvents) {
    meter = new ProgressMeter(expectedEvents);
    out.println("producing " + description);
    lastDraw = System.nanoTime();
  }

  @Override
  public void progressed(long events, long traceNs) {
    long now = System.nanoTime();
    if (now - lastDraw >= REDRAW_NANOS) {
      lastDraw = now;
      draw(events, traceNs);
    }
  }

  private void draw(long events, long traceNs) {
    ProgressMeter.OptionalDoubleShare share = meter.share(events);
    StringBuilder line = new StringBuilder("\r");
    if (share.known()) {
      int full = (int) Math.round(share.value() * WIDTH);
      line.append('[')
          .append("#".repeat(full))
          .append(".".repeat(WIDTH - full))
          .append("] ")
          .append(String.format("%3.0f%% ", share.value() * 100));
    }
    line.append(ProgressMeter.count(events))
        .append(" events, ")
        .append(ProgressMeter.count(meter.rate(events)))
        .append(" events/s, trace ")
        .append(String.format("%.1f s ", traceNs / 1e9))
        .append(meter.eta(events));
    int length = line.length();
    // Blank out what a longer previous line left behind.
    line.append(" ".repeat(Math.max(0, lastLength - length)));
    lastLength = length;
    out.print(line);
    out.flush();
  }

  @Override
  public void finished(ProduceStats stats) {
    out.print("\r" + " ".repeat(lastLength) + "\r");
    out.println("produced " + stats.summary());
    out.flush();
  }
}
