package io.coiommu.launcher;

import io.coiommu.analytics.ResultsConsumer;
import io.coiommu.analytics.RunSummary;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The analytics role alone: serves the dashboard and metrics of a pipeline running elsewhere. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
    description = "Follows the result topics of a running cluster and serves the live dashboard "
        + "(and, with --metrics-port, Prometheus metrics) until stopped.")
final class DashboardCommand implements Callable<Integer> {

  @Mixin
  KafkaOptions kafka = new KafkaOptions();

  @Mixin
  ServeOptions serve = new ServeOptions();

  @Option(names = "--window", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Window of trace time the processor uses. Default: 1s")
  Duration window = Duration.ofSeconds(1);

  @Option(names = "--application-id", paramLabel = "ID",
      description = "Show the results of this processor application only. Default: of every application")
  String applicationId;

  @Override
  public Integer call() throws Exception {
    Properties client = kafka.requiredClientProperties();
    RunSummary summary = new RunSummary(window);
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "coiommu-shutdown"));
    try (AutoCloseable views = serve.serve(summary, true, System.out)) {
      // Waits, logging what for, until the cluster is up and a processor has created the result topic.
      ResultsConsumer.follow(client, applicationId, summary, r -> {}, () -> stop.getCount() == 0, Map.of());
    }
    return 0;
  }
}
