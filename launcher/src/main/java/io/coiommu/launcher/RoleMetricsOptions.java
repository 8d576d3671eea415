package io.coiommu.launcher;

import io.coiommu.analytics.Dashboard;
import java.io.IOException;
import java.io.PrintStream;
import picocli.CommandLine.Option;

/** Where the produce and process roles serve their Prometheus metrics, if at all. */
final class RoleMetricsOptions {

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "Serve Prometheus metrics (Kafka's own and the role's) on PORT/metrics (0: any free port).")
  Integer metricsPort;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      description =
          "Address the metrics listen on. Default: ${DEFAULT-VALUE} (this machine only); "
              + "0.0.0.0 to be reached from other hosts or containers.")
  String bind = Dashboard.LOOPBACK;

  /** The started endpoint, or null when no --metrics-port was given. */
  RoleMetrics serve(PrintStream log) throws IOException {
    return metricsPort == null ? null : RoleMetrics.serve(bind, metricsPort, log);
  }
}
