package io.coiommu.launcher;

import io.coiommu.processor.EmulationTopology;
import io.coiommu.processor.StreamsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The processor role alone: runs the Streams emulation until stopped. Instances started with the
 * same application id share the trace topic's partitions.
 */
@Command(
    name = "process",
    mixinStandardHelpOptions = true,
    description =
        "Runs the Kafka Streams emulation of every scenario against a running cluster, until stopped.")
final class ProcessCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka = new KafkaOptions();

  @Mixin ScenarioOptions scenarios = new ScenarioOptions();

  @Option(
      names = "--application-id",
      paramLabel = "ID",
      description =
          "Kafka Streams application id shared by all instances. Default: ${DEFAULT-VALUE}")
  String applicationId = StreamsSettings.DEFAULT_APPLICATION_ID;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description = "Local state directory. Default: ${DEFAULT-VALUE}")
  Path stateDir = Path.of(System.getProperty("java.io.tmpdir"), "coiommu-streams");

  @Option(
      names = "--partitions",
      paramLabel = "N",
      description = "Partitions of the topics if they must be created. Default: ${DEFAULT-VALUE}")
  int partitions = 6;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long to wait for a cluster that is not up yet or slow before giving up. Default: 10m")
  Duration timeout = Duration.ofMinutes(10);

  @Mixin RoleMetricsOptions metrics = new RoleMetricsOptions();

  @Override
  public Integer call() throws Exception {
    Properties client = kafka.requiredClientProperties();
    TopicSetup.ensure(client, partitions, timeout);
    CountDownLatch stopped = new CountDownLatch(1);
    try (RoleMetrics served = metrics.serve(System.out);
        KafkaStreams streams =
            new KafkaStreams(
                EmulationTopology.buildTopology(scenarios.processorConfig()),
                StreamsSettings.properties(client, applicationId, stateDir))) {
      if (served != null) {
        served.bind(streams);
      }
      streams.setStateListener(
          (now, before) -> {
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
              stopped.countDown();
            }
          });
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    streams.close();
                    stopped.countDown();
                  },
                  "coiommu-shutdown"));
      streams.start();
      System.out.println(
          "processing "
              + scenarios.processorConfig().scenarios().size()
              + " scenarios as "
              + applicationId
              + "; Ctrl-C to stop");
      stopped.await();
      return streams.state() == KafkaStreams.State.ERROR ? 1 : 0;
    }
  }
}
