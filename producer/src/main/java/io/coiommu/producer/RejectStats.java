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
 * @param underDmaApi iommu: lines dropped because a DMA-API line shows the same buffer
 *     (docs/traces.md, "Both layers")
 */
public record RejectStats(
    long linesRead,
    long ignored,
    long rejected,
    Map<RejectReason, Long> byReason,
    Optional<Path> rejectsFile,
    long underDmaApi) {

  /** What a generator reports: it reads no input. */
  public static final RejectStats NONE = new RejectStats(0, 0, 0, Map.of(), Optional.empty());

  public RejectStats {
    byReason = Map.copyOf(byReason);
  }

  /** Counts of a source that reads one layer only. */
  public RejectStats(
      long linesRead,
      long ignored,
      long rejected,
      Map<RejectReason, Long> byReason,
      Optional<Path> rejectsFile) {
    this(linesRead, ignored, rejected, byReason, rejectsFile, 0);
  }

  /**
   * One line for a summary, e.g. {@code "3 of 1200 lines rejected (BAD_NUMBER 2, TRUNCATED 1) ->
   * x.rejects"}.
   */
  public String summary() {
    String merged =
        underDmaApi == 0
            ? ""
            : ", " + underDmaApi + " iommu: lines under a DMA-API call (counted once)";
    if (rejected == 0) {
      return linesRead == 0
          ? "no input lines"
          : "0 of " + linesRead + " lines rejected (" + ignored + " ignored" + merged + ")";
    }
    return rejected
        + " of "
        + linesRead
        + " lines rejected ("
        + reasonCounts()
        + "), "
        + ignored
        + " ignored"
        + merged
        + rejectsFile.map(f -> ", kept in " + f).orElse("");
  }

  /**
   * Whether some lines were not replayed as read: rejected, or merged into the DMA-API layer's
   * lines.
   */
  public boolean anyNotReplayed() {
    return rejected > 0 || underDmaApi > 0;
  }

  /** The rejected lines per reason, in reason order: {@code "MALFORMED 2, OUT_OF_RANGE 1"}. */
  public String reasonCounts() {
    return new TreeMap<>(byReason)
        .entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", "));
  }
}
