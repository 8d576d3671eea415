package io.coiommu.launcher;

import io.coiommu.producer.EndOfTrace;
import io.coiommu.producer.RejectPolicy;
import io.coiommu.producer.TraceFiles;
import io.coiommu.producer.TraceFormat;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.VmIdentity;
import io.coiommu.producer.Workloads;
import io.coiommu.producer.trace.TraceReaders;
import io.coiommu.schema.Quantities;
import java.nio.file.Path;
import java.util.Iterator;
import picocli.CommandLine.Option;

/**
 * Which trace to replay: a recorded file or a synthetic workload (the built-in sample by default).
 */
final class TraceOptions {

  @Option(
      names = "--trace",
      paramLabel = "FILE",
      description =
          "A recorded trace: ftrace text, perf script, QEMU trace log, Azure vmtable.csv, the project's "
              + "CSV or JSON lines, or an Avro archive (docs/traces.md).")
  Path trace;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description =
          "Format of --trace, one of ${COMPLETION-CANDIDATES}; detected from the content when not given.",
      completionCandidates = FormatIds.class)
  String format;

  @Option(
      names = "--workload",
      paramLabel = "SPEC",
      description =
          "Synthetic workload (grammar in docs/traces.md). Default: sample, when no --trace is given.")
  String workload;

  @Option(
      names = "--vm",
      paramLabel = "NAME",
      description = "VM a guest-recorded trace (ftrace, perf, QEMU) came from.")
  String vm;

  @Option(
      names = "--guest-memory",
      paramLabel = "SIZE",
      description = "Guest memory of --vm, e.g. 16g.")
  String guestMemory;

  @Option(
      names = "--host",
      paramLabel = "NAME",
      description = "Host of --vm. Default: ${DEFAULT-VALUE}")
  String host = "host-0";

  @Option(
      names = "--strict",
      description = "Stop at the first bad input line instead of keeping it in a rejects file.")
  boolean strict;

  @Option(
      names = "--rejects",
      paramLabel = "FILE",
      description = "Where bad input lines go. Default: beside the trace, as <trace>.rejects")
  Path rejects;

  /**
   * The chosen trace; every VM it leaves running is stopped at its end, so its results complete. A
   * recorded trace that yields no event is refused here, before anything starts that would wait for
   * its results.
   */
  TraceSource open() throws Exception {
    TraceSource source = EndOfTrace.stopOpenVms(openSource());
    return trace == null ? source : TraceReaders.requireEvents(trace, source);
  }

  private TraceSource openSource() throws Exception {
    if (trace != null && workload != null) {
      throw new IllegalArgumentException("give either --trace or --workload, not both");
    }
    if (trace == null) {
      return Workloads.open(workload == null ? Workloads.SAMPLE : workload);
    }
    VmIdentity identity = null;
    if (vm != null || guestMemory != null) {
      if (vm == null || guestMemory == null) {
        throw new IllegalArgumentException("--vm and --guest-memory go together");
      }
      identity = new VmIdentity(vm, host, Quantities.bytes(guestMemory));
    }
    RejectPolicy policy =
        strict
            ? RejectPolicy.STRICT
            : rejects != null ? RejectPolicy.keepIn(rejects) : RejectPolicy.keepBeside(trace);
    return TraceFiles.open(trace, format, identity, policy);
  }

  /** The format names picocli lists in the help. */
  static final class FormatIds implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return TraceFormat.ids().iterator();
    }
  }
}
