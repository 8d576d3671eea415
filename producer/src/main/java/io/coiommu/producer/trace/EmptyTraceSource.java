package io.coiommu.producer.trace;

import io.coiommu.producer.RejectStats;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.VmEvent;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An empty input file: no events, no lines, nothing rejected; its description says it was empty.
 */
final class EmptyTraceSource implements TraceSource {

  private final String description;

  EmptyTraceSource(String description) {
    this.description = description;
  }

  @Override
  public boolean hasNext() {
    return false;
  }

  @Override
  public VmEvent next() {
    throw new NoSuchElementException(description);
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public OptionalLong expectedEvents() {
    return OptionalLong.of(0);
  }

  @Override
  public RejectStats rejects() {
    return new RejectStats(0, 0, 0, Map.of(), Optional.empty());
  }
}
