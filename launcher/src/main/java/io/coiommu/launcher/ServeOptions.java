package io.coiommu.launcher;

import io.coiommu.analytics.Dashboard;
import io.coiommu.analytics.MetricsEndpoint;
import io.coiommu.analytics.RunSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The live views of a summary: the dashboard page and the Prometheus endpoint, both on 127.0.0.1.
 */
final class ServeOptions {

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Dashboard port on 127.0.0.1 (0: any free port). Default: ${DEFAULT-VALUE}")
  int port = 8080;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      description =
          "Address the dashboard and metrics listen on. Default: ${DEFAULT-VALUE} (this machine only); "
              + "0.0.0.0 to be reached from other hosts or containers.")
  String bind = Dashboard.LOOPBACK;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description = "Also serve Prometheus metrics on 127.0.0.1:PORT/metrics (0: any free port).")
  Integer metricsPort;

  /** Starts what was asked for and says where; closing the result stops them. */
  AutoCloseable serve(RunSummary summary, boolean dashboard, PrintStream log) throws IOException {
    List<AutoCloseable> started = new ArrayList<>();
    if (dashboard) {
      Dashboard d = Dashboard.start(summary, bind, port);
      started.add(d);
      log.println("dashboard: " + d.uri());
    }
    if (metricsPort != null) {
      MetricsEndpoint m = MetricsEndpoint.start(summary, bind, metricsPort);
      started.add(m);
      log.println("prometheus metrics: http://" + bind + ":" + m.port() + "/metrics");
    }
    return () -> {
      for (AutoCloseable c : started) {
        c.close();
      }
    };
  }
}
