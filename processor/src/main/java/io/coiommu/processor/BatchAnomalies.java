package io.coiommu.processor;

import io.coiommu.processor.engine.AnomalyReason;
import io.coiommu.schema.Anomaly;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;

/** Anomalies about the batch stream itself rather than about one event's meaning. */
final class BatchAnomalies {

  private BatchAnomalies() {}

  static Anomaly repeated(EventColumns batch, long expected) {
    return of(
        batch,
        AnomalyReason.BATCH_REPEATED,
        "batch seq "
            + batch.seq()
            + " already processed (expected "
            + expected
            + "); its "
            + batch.size()
            + " events were skipped");
  }

  static Anomaly gap(EventColumns batch, long expected) {
    return of(
        batch,
        AnomalyReason.BATCH_GAP,
        "batch seq "
            + batch.seq()
            + " arrived while "
            + expected
            + " was expected: batches "
            + expected
            + ".."
            + (batch.seq() - 1)
            + " are missing");
  }

  static Anomaly eventsRepeated(EventColumns batch, long expected) {
    long end = batch.firstIndex() + batch.size();
    return of(
        batch,
        AnomalyReason.BATCH_REPEATED,
        "events "
            + batch.firstIndex()
            + ".."
            + (end - 1)
            + " of batch seq "
            + batch.seq()
            + " while event "
            + expected
            + " was expected: the "
            + (Math.min(end, expected) - batch.firstIndex())
            + " already applied were skipped");
  }

  static Anomaly eventGap(EventColumns batch, long expected) {
    return of(
        batch,
        AnomalyReason.BATCH_GAP,
        "events from "
            + batch.firstIndex()
            + " arrived while event "
            + expected
            + " was expected: events "
            + expected
            + ".."
            + (batch.firstIndex() - 1)
            + " are missing");
  }

  private static Anomaly of(EventColumns batch, AnomalyReason reason, String detail) {
    TraceEvent first =
        batch.size() == 0
            ? TraceEvent.newBuilder().setType(EventType.UNKNOWN).setTsNs(0).build()
            : batch.event(0, null);
    return Anomaly.newBuilder()
        .setVm(batch.vm())
        .setReason(reason.name())
        .setDetail(detail)
        .setEvent(first)
        .build();
  }
}
