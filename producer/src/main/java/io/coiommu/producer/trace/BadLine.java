package io.coiommu.producer.trace;

import io.coiommu.producer.RejectReason;

/**
 * Thrown by a parser for a line it cannot decode; the reader turns it into a reject. Carries no
 * stack trace: it is an outcome, not a bug.
 */
final class BadLine extends Exception {

  private static final long serialVersionUID = 1L;

  private final RejectReason reason;

  BadLine(RejectReason reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }

  RejectReason reason() {
    return reason;
  }
}
