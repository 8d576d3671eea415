package io.coiommu.launcher;

import io.coiommu.analytics.ResultsConsumer;
import io.coiommu.analytics.RunSummary;
import io.coiommu.analytics.TraceReader;
import io.coiommu.processor.StreamsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The report of a cluster's run, from its topics: the VMs from the trace topic, the results of one
 * processor application from the result topic. Writes what {@code run --report} writes, through the
 * same code.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Writes the report of one processor application (index.html, summary.csv, summary.json, "
          + "timeseries.csv) from the topics of a running cluster, and prints the comparison table.",
      "Waits until every VM of the trace topic has the last result of every scenario of that application."
    })
final class ReportCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka = new KafkaOptions();

  @Option(
      names = "--application-id",
      paramLabel = "ID",
      description = "The processor application whose results to report. Default: ${DEFAULT-VALUE}")
  String applicationId = StreamsSettings.DEFAULT_APPLICATION_ID;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      required = true,
      description = "Directory to write the report to.")
  Path out;

  @Option(
      names = "--window",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Window of trace time the processor uses. Default: 1s")
  Duration window = Duration.ofSeconds(1);

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Give up waiting for the cluster and the results after this long. Default: 30m")
  Duration timeout = Duration.ofMinutes(30);

  @Override
  public Integer call() throws Exception {
    Properties client = kafka.requiredClientProperties();
    long deadline = System.nanoTime() + timeout.toNanos();
    ClusterWait.brokers(client, timeout);
    TraceReader.TraceContents trace = TraceReader.read(client, left(deadline), Map.of());
    if (trace.vms().isEmpty()) {
      System.out.println("the trace topic holds no VM: nothing to report");
      return 1;
    }
    System.out.printf(
        "waiting for the results of %s for %d VMs%n", applicationId, trace.vms().size());
    RunSummary summary = new RunSummary(window);
    ResultsConsumer.consumeApplication(client, applicationId, trace.vms(), left(deadline), summary);
    synchronized (summary) {
      summary.setTemporalLocality(trace.locality());
    }
    RunCommand.printAndWrite(summary, out, System.out);
    return 0;
  }

  private static Duration left(long deadline) {
    return Duration.ofNanos(Math.max(ClusterWait.REQUEST.toNanos(), deadline - System.nanoTime()));
  }
}
