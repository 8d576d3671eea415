package io.coiommu.launcher;

import io.coiommu.producer.TraceSource;
import io.coiommu.producer.Workloads;
import picocli.CommandLine.Option;

/** Which trace to replay: a recorded file or a synthetic workload (the built-in sample by default). */
final class TraceOptions {

  @Option(names = "--workload", paramLabel = "SPEC",
      description = "Synthetic workload (grammar in docs/traces.md). Default: ${DEFAULT-VALUE}")
  String workload = Workloads.SAMPLE;

  TraceSource open() throws Exception {
    return Workloads.open(workload);
  }
}
