package io.coiommu.producer;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What a reader does with a bad input line: either stop at once ({@link #STRICT}, the user's {@code
 * --strict}) or count it, keep it in a rejects file, and go on with the rest of the trace.
 */
public final class RejectPolicy {

  /** The first bad line stops the read with a {@link TraceFormatException} naming file and line. */
  public static final RejectPolicy STRICT = new RejectPolicy(null);

  private final Path rejectsFile;

  private RejectPolicy(Path rejectsFile) {
    this.rejectsFile = rejectsFile;
  }

  /**
   * Bad lines are counted and written to {@code rejectsFile} (created on the first reject, replaced
   * if it exists); the read goes on.
   */
  public static RejectPolicy keepIn(Path rejectsFile) {
    return new RejectPolicy(Objects.requireNonNull(rejectsFile, "rejectsFile"));
  }

  /** The conventional rejects file of a trace: next to it, named {@code <trace>.rejects}. */
  public static RejectPolicy keepBeside(Path trace) {
    return keepIn(trace.resolveSibling(trace.getFileName() + ".rejects"));
  }

  public boolean isStrict() {
    return rejectsFile == null;
  }

  public Optional<Path> rejectsFile() {
    return Optional.ofNullable(rejectsFile);
  }

  @Override
  public String toString() {
    return isStrict() ? "strict" : "keep rejects in " + rejectsFile;
  }
}
