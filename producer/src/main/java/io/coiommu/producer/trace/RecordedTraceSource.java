package io.coiommu.producer.trace;

import io.coiommu.producer.RejectStats;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.VmEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.NoSuchElementException;
import java.util.OptionalLong;

/**
 * What the readers of recorded traces share: events decoded from one unit of input (a line, an
 * archive record) wait in a small queue; bad input goes to {@link Rejects}.
 */
abstract class RecordedTraceSource implements TraceSource {

  private final String description;
  protected final Rejects rejects;
  protected final ArrayDeque<VmEvent> ready = new ArrayDeque<>();
  private boolean done;

  RecordedTraceSource(String description, Rejects rejects) {
    this.description = description;
    this.rejects = rejects;
  }

  /** Decodes the next unit of input into {@link #ready}; false at the end of the input. */
  protected abstract boolean readMore() throws IOException;

  protected abstract void closeInput() throws IOException;

  @Override
  public final boolean hasNext() {
    try {
      while (ready.isEmpty() && !done) {
        done = !readMore();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + description, e);
    }
    return !ready.isEmpty();
  }

  @Override
  public final VmEvent next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public OptionalLong expectedEvents() {
    return OptionalLong.empty();
  }

  @Override
  public final RejectStats rejects() {
    rejects.flush();
    return rejects.stats();
  }

  @Override
  public final void close() {
    try {
      closeInput();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      rejects.close();
    }
  }
}
