package io.coiommu.producer.trace;

import java.io.IOException;

/**
 * A recorded trace that yields no event at all: every line rejected, ignored, or none. A run of it
 * would have no VM whose results to wait for, so every command stops at once with this message
 * instead (exit code 2).
 */
public final class NoDmaEventsException extends IOException {

  private static final long serialVersionUID = 1L;

  public NoDmaEventsException(String message) {
    super(message);
  }
}
