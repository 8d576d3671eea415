package io.coiommu.launcher;

import io.coiommu.analytics.ComparisonTable;
import io.coiommu.analytics.Report;
import io.coiommu.analytics.RunSummary;
import io.coiommu.processor.ProcessorConfig;
import io.coiommu.producer.Pacing;
import io.coiommu.producer.ProgressListener;
import io.coiommu.producer.TraceSource;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Replays a trace through the whole pipeline and prints how each scenario fared. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Replays a trace (the built-in sample by default) through Kafka and the Streams emulation "
          + "of every scenario, then prints a comparison table.",
      "Without --bootstrap-servers an embedded single-node KRaft broker is started and stopped."
    })
final class RunCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka = new KafkaOptions();

  @Mixin TraceOptions trace = new TraceOptions();

  @Mixin ScenarioOptions scenarios = new ScenarioOptions();

  @Option(
      names = "--report",
      paramLabel = "DIR",
      description = "Also write the report (summary.csv ...) to DIR.")
  Path report;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      description = "Partitions of the trace topic. Default: ${DEFAULT-VALUE}")
  int partitions = 2;

  @Option(
      names = "--speed",
      paramLabel = "SPEED",
      description = "Replay pace against trace time: max (default), 1x, 10x ...")
  String speed = "max";

  @Option(
      names = "--dashboard",
      description =
          "Serve the live dashboard while the trace replays (see --port); it stays up until Enter or Ctrl-C.")
  boolean dashboard;

  @Mixin ServeOptions serve = new ServeOptions();

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Give up waiting for results after this long. Default: 30m")
  Duration timeout = Duration.ofMinutes(30);

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    ProcessorConfig processor = scenarios.processorConfig();
    // Opened before any broker starts, so a wrong path or spec fails at once.
    TraceSource opened = trace.open();
    Callable<TraceSource> source = () -> opened;
    RunSummary summary = new RunSummary(scenarios.window);
    Pipeline.Result result;
    try (AutoCloseable views = serve.serve(summary, dashboard, out)) {
      result =
          Pipeline.run(
              new Pipeline.Options(
                  kafka.clientProperties(),
                  source,
                  processor,
                  partitions,
                  Pacing.parse(speed),
                  timeout,
                  ProgressListener.forConsole(),
                  summary),
              out);
      report(result, out);
      if (dashboard && System.console() != null) {
        out.println("the dashboard stays up: press Enter to quit");
        System.console().readLine();
      }
    }
    return 0;
  }

  /**
   * The comparison table, and the report files when {@code dir} is given: what {@code run --report}
   * and {@code report} both end with, so a cluster's report reads exactly like a run's.
   */
  static void printAndWrite(RunSummary summary, Path dir, PrintStream out) throws IOException {
    out.println();
    out.print(ComparisonTable.render(summary));
    if (dir != null) {
      Report.write(summary, dir);
      out.println("report written to " + dir.toAbsolutePath());
    }
  }

  private void report(Pipeline.Result result, PrintStream out) throws IOException {
    printAndWrite(result.summary(), report, out);
    out.printf(
        "%nwhole run: %.1f s (broker start %.1f s)%n",
        result.total().toMillis() / 1000.0, result.brokerStart().toMillis() / 1000.0);
  }
}
