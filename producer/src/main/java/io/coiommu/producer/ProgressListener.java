package io.coiommu.producer;

import java.io.PrintStream;
import java.util.OptionalLong;

/**
 * Told how a long {@link TraceProducer#produce} call goes. {@link #progressed} is called often
 * (every few thousand events); implementations decide how often to show something.
 */
public interface ProgressListener {

  void started(String description, OptionalLong expectedEvents);

  /**
   * {@code events} sent so far; {@code traceNs} the trace time they cover, from the first event
   * (traces start at arbitrary clocks: uptime, epoch).
   */
  void progressed(long events, long traceNs);

  void finished(ProduceStats stats);

  /** Shows nothing. */
  ProgressListener NONE =
      new ProgressListener() {
        @Override
        public void started(String description, OptionalLong expectedEvents) {}

        @Override
        public void progressed(long events, long traceNs) {}

        @Override
        public void finished(ProduceStats stats) {}
      };

  /**
   * A redrawn progress bar on standard error when a person watches a terminal; plain periodic lines
   * otherwise, so logs and CI output stay readable.
   */
  static ProgressListener forConsole() {
    return System.console() != null
        ? new ConsoleProgressBar(System.err)
        : new PeriodicProgressLines(System.err);
  }

  static ProgressListener bar(PrintStream out) {
    return new ConsoleProgressBar(out);
  }

  static ProgressListener lines(PrintStream out) {
    return new PeriodicProgressLines(out);
  }
}
