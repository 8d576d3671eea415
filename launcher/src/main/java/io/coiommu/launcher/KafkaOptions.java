package io.coiommu.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/** Where the Kafka cluster is and how to talk to it: shared by every role. */
final class KafkaOptions {

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT[,...]",
      description = "An existing Kafka cluster. Without it an embedded broker is started.")
  String bootstrapServers;

  @Option(
      names = "--kafka-config",
      paramLabel = "FILE",
      description =
          "Kafka client properties (security.protocol, sasl.*, ssl.* ...) for every role.")
  Path kafkaConfig;

  /** The client settings of a role that needs an existing cluster. */
  Properties requiredClientProperties() throws IOException {
    Properties p = clientProperties();
    if (p == null) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this),
          "this role needs a cluster: give --bootstrap-servers or --kafka-config");
    }
    return p;
  }

  /** The client settings, or null when the run should start its own embedded broker. */
  Properties clientProperties() throws IOException {
    if (bootstrapServers == null && kafkaConfig == null) {
      return null;
    }
    Properties p = new Properties();
    if (kafkaConfig != null) {
      try (Reader r = Files.newBufferedReader(kafkaConfig)) {
        p.load(r);
      }
    }
    if (bootstrapServers != null) {
      p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }
    if (!p.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new IllegalArgumentException(
          kafkaConfig + " has no bootstrap.servers and --bootstrap-servers is not given");
    }
    return p;
  }
}
