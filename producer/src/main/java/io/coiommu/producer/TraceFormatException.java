package io.coiommu.producer;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A bad input line under {@link RejectPolicy#STRICT}. Unchecked because it surfaces from {@link
 * java.util.Iterator#next()}; the message reads {@code file:line: REASON: detail}.
 */
public final class TraceFormatException extends UncheckedIOException {

  private static final long serialVersionUID = 1L;

  private final String file;
  private final long line;
  private final RejectReason reason;

  public TraceFormatException(String file, long line, RejectReason reason, String detail) {
    super(file + ":" + line + ": " + reason + ": " + detail, new IOException(detail));
    this.file = file;
    this.line = line;
    this.reason = reason;
  }

  public String file() {
    return file;
  }

  public long line() {
    return line;
  }

  public RejectReason reason() {
    return reason;
  }
}
