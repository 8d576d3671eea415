package io.coiommu.producer.trace;

import io.coiommu.producer.RejectPolicy;
import io.coiommu.producer.RejectReason;
import io.coiommu.producer.RejectStats;
import io.coiommu.producer.TraceFormatException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts what a reader made of its input and keeps the bad lines: under a strict policy the first
 * bad line throws; otherwise each one is counted by reason and appended to the rejects file
 * (created on the first reject), one tab-separated record per line: file, line number, reason,
 * detail, and the line itself escaped so that the file stays one record per line.
 */
public final class Rejects implements AutoCloseable {

  /** Rejected text is kept up to this many characters: enough to see what was wrong. */
  static final int KEPT_TEXT_CHARS = 1000;

  static final String HEADER = "# coiommu rejects v1: file\tline\treason\tdetail\ttext";

  private final String file;
  private final RejectPolicy policy;
  private final Map<RejectReason, Long> byReason = new EnumMap<>(RejectReason.class);
  private long lines;
  private long ignored;
  private long rejected;
  private long merged;
  private BufferedWriter out;

  public Rejects(String file, RejectPolicy policy) {
    this.file = file;
    this.policy = policy;
  }

  void countLine() {
    lines++;
  }

  void countIgnored() {
    ignored++;
  }

  /**
   * An iommu: line that showed a buffer a DMA-API line already shows: read, counted here, not
   * replayed.
   */
  void countMerged() {
    merged++;
  }

  /** A bad line: throws {@link TraceFormatException} when strict, else counts and keeps it. */
  public void reject(long line, RejectReason reason, String detail, String text) {
    if (policy.isStrict()) {
      throw new TraceFormatException(file, line, reason, detail);
    }
    rejected++;
    byReason.merge(reason, 1L, Long::sum);
    try {
      if (out == null) {
        Path path = policy.rejectsFile().orElseThrow();
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        out = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
        out.write(HEADER);
        out.newLine();
      }
      out.write(
          escape(file)
              + '\t'
              + line
              + '\t'
              + reason
              + '\t'
              + escape(detail)
              + '\t'
              + escape(clip(text)));
      out.newLine();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write rejects file " + policy.rejectsFile().orElseThrow(), e);
    }
  }

  public RejectStats stats() {
    return new RejectStats(
        lines,
        ignored,
        rejected,
        byReason,
        rejected > 0 ? policy.rejectsFile() : Optional.empty(),
        merged);
  }

  private static String clip(String text) {
    return text.length() <= KEPT_TEXT_CHARS
        ? text
        : text.substring(0, KEPT_TEXT_CHARS)
            + "...["
            + (text.length() - KEPT_TEXT_CHARS)
            + " more chars]";
  }

  /** Backslash-escapes tab, newline, backslash and other control characters. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '\t' -> b.append("\\t");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  @Override
  public void close() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out = null;
    }
  }

  void flush() {
    if (out != null) {
      try {
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
