package io.coiommu.producer;

import java.util.OptionalLong;

/** A trace source that passes everything to another one; subclasses watch or add to the stream. */
public abstract class ForwardingTraceSource implements TraceSource {

  protected final TraceSource delegate;

  protected ForwardingTraceSource(TraceSource delegate) {
    this.delegate = delegate;
  }

  @Override
  public boolean hasNext() {
    return delegate.hasNext();
  }

  @Override
  public VmEvent next() {
    return delegate.next();
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  @Override
  public OptionalLong expectedEvents() {
    return delegate.expectedEvents();
  }

  @Override
  public RejectStats rejects() {
    return delegate.rejects();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
