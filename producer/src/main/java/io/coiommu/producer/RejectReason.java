package io.coiommu.producer;

/** Why an input line was rejected. Each reject names one, so the summary can count them by kind. */
public enum RejectReason {
  /** The line is not valid UTF-8 text or contains control bytes: binary data in a text trace. */
  BINARY,
  /** The line exceeds the longest line a trace can have; only its start is kept. */
  LINE_TOO_LONG,
  /** The line stops before a field its format requires. */
  TRUNCATED,
  /** The line does not have the shape of its format. */
  MALFORMED,
  /** A field that must be a number is not one. */
  BAD_NUMBER,
  /**
   * A number parses but lies outside what the field allows (negative size, address beyond 64
   * bits...).
   */
  OUT_OF_RANGE,
  /**
   * An event name this format does not define (the project's own formats only: foreign trace
   * formats ignore them).
   */
  UNKNOWN_EVENT,
  /** The timestamp goes back in time for its VM: the trace is not in order. */
  OUT_OF_ORDER,
  /** An event of a VM that has no identity (no VM_START and none supplied by the user). */
  NO_VM
}
