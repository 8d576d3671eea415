package io.coiommu.processor.engine;

import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;

/**
 * One trace event as the engine reads it: primitive fields, a gpa that is a plain long beside a
 * flag saying whether the event carries one. The engine reads events only through this view, so an
 * event held in a batch's columns is emulated without an object per event or a boxed gpa, and an
 * event record goes through the very same code.
 *
 * <p>A view is valid only while the call it was handed to runs: its owner moves it to the next
 * event afterwards, so what the engine keeps of an event it copies ({@link #toRecord}).
 */
interface EventView {

  EventType type();

  long tsNs();

  /** The device's name as the trace gives it (null only for a record built without one). */
  String device();

  long iova();

  boolean hasGpa();

  /** Meaningful only where {@link #hasGpa}. */
  long gpa();

  long bytes();

  long callId();

  long guestMemoryBytes();

  /** The host's name as the trace gives it (null only for a record built without one). */
  String host();

  /** A record of this event of its own, for an anomaly that outlives the view. */
  TraceEvent toRecord();
}
