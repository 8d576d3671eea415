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
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    description =
        "Follows the result topics of a running cluster and serves the live dashboard "
            + "(and, with --metrics-port, Prometheus metrics) until stopped.")
final class DashboardCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka = new KafkaOptions();

  @Mixin ServeOptions serve = new ServeOptions();

  @Option(
      names = "--window",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Window of trace time the processor uses. Default: 1s")
  Duration window = Duration.ofSeconds(1);

  @Option(
      names = "--application-id",
      paramLabel = "ID",
      description =
          "Show the results of this processor application only. Default: of every application")
  String applicationId;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Give up when the cluster or the result topic is not there after this long. Default: 30m")
  Duration timeout = Duration.ofMinutes(30);

  @Override
  public Integer call() throws Exception {
    Properties client = kafka.requiredClientProperties();
    RunSummary summary = new RunSummary(window);
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "coiommu-shutdown"));
    try (AutoCloseable views = serve.serve(summary, true, System.out)) {
      // Waits, logging what for, until the cluster is up and a processor has created the result
      // topic.
      boolean followed =
          ResultsConsumer.follow(
              client,
              applicationId,
              summary,
              r -> {},
              () -> stop.getCount() == 0,
              Map.of(),
              timeout);
      if (!followed && stop.getCount() != 0) {
        System.err.println(
            "no result topic on "
                + client.getProperty("bootstrap.servers")
                + " after "
                + timeout
                + ": giving up");
        return 1;
      }
    }
    return 0;
  }
}
