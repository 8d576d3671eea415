package io.coiommu.producer;

import java.util.Iterator;
import java.util.OptionalLong;

/**
 * A stream of guest events, recorded or generated. Events of different VMs may interleave; the
 * events of one VM come in non-decreasing {@code tsNs} order and start with its VM_START. Sources
 * stream: they hold no more than a bounded amount of the trace in memory.
 */
public interface TraceSource extends Iterator<VmEvent>, AutoCloseable {

  /** What this source reads or generates, for people: e.g. {@code "sample: 4 VMs, 90 s"}. */
  String describe();

  /**
   * Number of events the source will deliver, where it is known before the end (for progress and
   * ETA).
   */
  OptionalLong expectedEvents();

  /** Counts of bad input met so far; all zero for generators. */
  RejectStats rejects();

  /**
   * Releases the input. Declared without checked exceptions so callers can use try-with-resources
   * plainly: a file source reports an I/O failure on close as {@link java.io.UncheckedIOException}.
   * Sources that hold no resource need not override this.
   */
  @Override
  default void close() {}
}
