package io.coiommu.producer;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a source made of its input: lines read, lines that carried no event of interest (other
 * tracepoints, comments, headers), and lines rejected as bad, by reason. A snapshot; sources hand
 * out a new one each time they are asked.
 *
 * @param linesRead every input line (or record) read
 * @param ignored lines skipped on purpose because they are not events this tool models
 * @param rejected bad lines, each written to the rejects file
 * @param byReason rejected lines per {@link RejectReason}
 * @param rejectsFile where the rejected lines were kept, if any was rejected
 */
public record RejectStats(long linesRead, long ignored, long rejected, Map<RejectReason, Long> byReason,
                          Optional<Path> rejectsFile) {

  /** What a generator reports: it reads no input. */
  public static final RejectStats NONE = new RejectStats(0, 0, 0, Map.of(), Optional.empty());

  public RejectStats {
    byReason = Map.copyOf(byReason);
  }

  /** One line for a summary, e.g. {@code "3 of 1200 lines rejected (BAD_NUMBER 2, TRUNCATED 1) -> x.rejects"}. */
  public String summary() {
    if (rejected == 0) {
      return linesRead == 0 ? "no input lines" : "0 of " + linesRead + " lines rejected (" + ignored + " ignored)";
    }
    String reasons = new TreeMap<>(byReason).entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
    return rejected + " of " + linesRead + " lines rejected (" + reasons + "), " + ignored + " ignored"
        + rejectsFile.map(f -> ", kept in " + f).orElse("");
  }
}
