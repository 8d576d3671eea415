package io.coiommu.producer.trace;

import io.coiommu.producer.VmEvent;
import java.util.List;

/**
 * Decodes one line of a text trace format into events. A format whose lines name no VM (ftrace,
 * perf, QEMU) emits {@link VmEvent}s with a null VM; the reader gives them the user's VM identity.
 */
interface LineParser {

  /** What a line turned out to be, when it is not bad. */
  enum Outcome {
    /** The line added events. */
    EVENTS,
    /** The line carries nothing this tool models (headers, comments, other tracepoints). */
    IGNORED
  }

  Outcome parse(String line, long lineNumber, List<VmEvent> out) throws BadLine;
}
