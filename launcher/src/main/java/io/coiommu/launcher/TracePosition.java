package io.coiommu.launcher;

import io.coiommu.producer.ProduceStats;
import io.coiommu.producer.ProgressListener;
import io.coiommu.producer.TraceSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The producer's position in its trace as metrics, fed by its progress reports: events sent, trace
 * seconds covered, events skipped because the trace topic held them, input rejected. With the
 * clients' own metrics (records/s, request latency) they say how far a replay is and how fast it
 * goes.
 */
final class TracePosition implements ProgressListener {

  private final ProgressListener next;
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong traceNs = new AtomicLong();

  private TracePosition(ProgressListener next) {
    this.next = next;
  }

  /** Registers the metrics and returns the listener that feeds them and then {@code next}. */
  static ProgressListener register(
      MeterRegistry registry, TraceSource source, Map<String, Long> held, ProgressListener next) {
    TracePosition p = new TracePosition(next);
    long skipped = held.values().stream().mapToLong(Long::longValue).sum();
    FunctionCounter.builder("coiommu.producer.events.sent", p.events, AtomicLong::get)
        .description("Trace events sent to the trace topic")
        .register(registry);
    Gauge.builder("coiommu.producer.trace.seconds", p.traceNs, ns -> ns.get() / 1e9)
        .description("Trace time from the first event sent to the latest")
        .register(registry);
    Gauge.builder("coiommu.producer.events.held", () -> skipped)
        .description("Events the trace topic held at start, per VM's stream, which this run skips")
        .register(registry);
    FunctionCounter.builder("coiommu.producer.rejected", source, s -> s.rejects().rejected())
        .description("Input lines or records rejected (see the rejects file)")
        .register(registry);
    return p;
  }

  @Override
  public void started(String description, OptionalLong expectedEvents) {
    next.started(description, expectedEvents);
  }

  @Override
  public void progressed(long sent, long traceNanos) {
    events.set(sent);
    traceNs.set(traceNanos);
    next.progressed(sent, traceNanos);
  }

  @Override
  public void finished(ProduceStats stats) {
    events.set(stats.events());
    traceNs.set(stats.traceSpanNs());
    next.finished(stats);
  }
}
