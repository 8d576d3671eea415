package io.coiommu.producer;

import io.coiommu.producer.trace.TraceReaders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens recorded traces in any supported {@link TraceFormat}, detecting the format when none is
 * given.
 */
public final class TraceFiles {

  private TraceFiles() {}

  /**
   * @param formatOrNull a {@link TraceFormat} id ({@code ftrace}, {@code perf}, {@code qemu},
   *     {@code azure}, {@code csv}, {@code jsonl}, {@code avro}), or null to detect it from the
   *     content
   * @param identityOrNull the VM the trace was recorded in; required for ftrace, perf and QEMU
   *     traces, which name none; for CSV/JSONL it names the VM of rows without one
   * @param policy what to do with bad lines
   * @throws IOException if the file cannot be read or its format cannot be told
   * @throws IllegalArgumentException if the format is unknown or a needed VM identity is missing
   */
  public static TraceSource open(
      Path file, String formatOrNull, VmIdentity identityOrNull, RejectPolicy policy)
      throws IOException {
    if (formatOrNull == null && Files.size(file) == 0) {
      return TraceReaders.empty(file);
    }
    TraceFormat format =
        formatOrNull == null ? TraceReaders.detect(file) : TraceFormat.parse(formatOrNull);
    return TraceReaders.open(file, format, identityOrNull, policy);
  }

  /** The format {@link #open} would read {@code file} as. */
  public static TraceFormat detect(Path file) throws IOException {
    return TraceReaders.detect(file);
  }
}
