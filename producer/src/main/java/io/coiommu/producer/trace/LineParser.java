package io.coiommu.producer.trace;

import io.coiommu.producer.VmEvent;
import java.util.Deque;
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

  /**
   * Passes on the events of the line parsed last, once checked; a parser whose format shows one
   * buffer in two layers may hold them a while (in order) or drop the duplicate.
   */
  default void pass(List<VmEvent> checked, Deque<VmEvent> ready) {
    ready.addAll(checked);
  }

  /** At the end of the input: passes on whatever {@link #pass} still holds. */
  default void finish(Deque<VmEvent> ready) {}
}
