package io.coiommu.producer;

/**
 * What one {@link TraceProducer#produce} call sent.
 *
 * @param events events sent (and acknowledged)
 * @param batches Kafka records (EventBatch values) sent
 * @param vms distinct VMs seen
 * @param traceSpanNs trace time from the first to the last event
 * @param wallNanos wall-clock time the call took
 * @param rejects what the source rejected from its input
 * @param skipped events not sent because the trace topic already held them (a restarted producer)
 */
public record ProduceStats(
    long events,
    long batches,
    long vms,
    long traceSpanNs,
    long wallNanos,
    RejectStats rejects,
    long skipped) {

  public ProduceStats(
      long events, long batches, long vms, long traceSpanNs, long wallNanos, RejectStats rejects) {
    this(events, batches, vms, traceSpanNs, wallNanos, rejects, 0);
  }

  public double eventsPerSecond() {
    return wallNanos == 0 ? 0 : events * 1e9 / wallNanos;
  }

  public String summary() {
    String sent =
        String.format(
            "%,d events of %d VMs in %,d batches, %.1f s of trace, %.1f s wall, %,.0f events/s",
            events, vms, batches, traceSpanNs / 1e9, wallNanos / 1e9, eventsPerSecond());
    return skipped == 0
        ? sent
        : sent + String.format("; %,d events skipped: the trace topic held them already", skipped);
  }
}
