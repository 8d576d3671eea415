package io.coiommu.processor.engine;

import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;

/**
 * A {@link TraceEvent} record seen as an {@link EventView}: how single events (tests, recorded
 * traces fed one by one) enter the same emulation path as a batch's columns.
 */
final class RecordEvent implements EventView {

  private TraceEvent e;

  RecordEvent of(TraceEvent event) {
    this.e = event;
    return this;
  }

  /** Lets go of the record, which the caller may reuse or drop. */
  void release() {
    e = null;
  }

  @Override
  public EventType type() {
    return e.getType();
  }

  @Override
  public long tsNs() {
    return e.getTsNs();
  }

  @Override
  public String device() {
    return e.getDevice();
  }

  @Override
  public long iova() {
    return e.getIova();
  }

  @Override
  public boolean hasGpa() {
    return e.getGpa() != null;
  }

  @Override
  public long gpa() {
    return e.getGpa();
  }

  @Override
  public long bytes() {
    return e.getBytes();
  }

  @Override
  public long callId() {
    return e.getCallId();
  }

  @Override
  public long guestMemoryBytes() {
    return e.getGuestMemoryBytes();
  }

  @Override
  public String host() {
    return e.getHost();
  }

  @Override
  public TraceEvent toRecord() {
    // A copy: the caller may reuse its event objects once onEvent returns.
    return TraceEvent.newBuilder(e).build();
  }
}
