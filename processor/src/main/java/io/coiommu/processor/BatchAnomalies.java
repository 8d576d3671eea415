package io.coiommu.processor;

import io.coiommu.schema.Anomaly;
import io.coiommu.schema.EventBatch;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;

/** Anomalies about the batch stream itself rather than about one event's meaning. */
final class BatchAnomalies {

  static final String BATCH_REPEATED = "BATCH_REPEATED";
  static final String BATCH_GAP = "BATCH_GAP";

  private BatchAnomalies() {}

  static Anomaly repeated(EventBatch batch, long expected) {
    return of(batch, BATCH_REPEATED, "batch seq " + batch.getSeq() + " already processed (expected "
        + expected + "); its " + batch.getEvents().size() + " events were skipped");
  }

  static Anomaly gap(EventBatch batch, long expected) {
    return of(batch, BATCH_GAP, "batch seq " + batch.getSeq() + " arrived while " + expected
        + " was expected: batches " + expected + ".." + (batch.getSeq() - 1) + " are missing");
  }

  private static Anomaly of(EventBatch batch, String reason, String detail) {
    TraceEvent first = batch.getEvents().isEmpty()
        ? TraceEvent.newBuilder().setType(EventType.UNKNOWN).setTsNs(0).build()
        : batch.getEvents().get(0);
    return Anomaly.newBuilder().setVm(batch.getVm()).setReason(reason).setDetail(detail).setEvent(first).build();
  }
}
