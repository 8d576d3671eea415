package io.coiommu.launcher.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.BrokerServer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;
import scala.Option;

/**
 * One combined broker+controller KRaft node of an {@link EmbeddedKafkaCluster}: its configuration,
 * its storage directory and, while it runs, its {@link KafkaRaftServer}.
 *
 * <p>The configuration and the formatted directory outlive a {@link #stop()}, so that {@link
 * #start()} brings the same node back with its data, as a restarted broker process would.
 */
final class KafkaNode {

  /** Whether the node's server is up; a stopped node keeps its formatted storage. */
  enum State {
    STOPPED,
    RUNNING
  }

  private final int id;
  private final Path directory;
  private final Properties config;
  private KafkaRaftServer server;

  KafkaNode(int id, Path directory, Properties config) {
    this.id = id;
    this.directory = directory;
    this.config = config;
  }

  int id() {
    return id;
  }

  /** Written by {@link #format}: the configuration the node runs with, in or out of this JVM. */
  Path serverProperties() {
    return directory.resolve("server.properties");
  }

  synchronized State state() {
    return server == null ? State.STOPPED : State.RUNNING;
  }

  /**
   * Formats the storage the way {@code kafka-storage.sh format} does, from a {@code
   * server.properties} written next to the data: the file doubles as a record of exactly what this
   * node ran with.
   */
  void format(String clusterId) throws IOException {
    Files.createDirectories(directory);
    Path propertiesFile = serverProperties();
    try (OutputStream out = Files.newOutputStream(propertiesFile)) {
      config.store(out, "embedded KRaft node " + id);
    }
    ByteArrayOutputStream toolOutput = new ByteArrayOutputStream();
    int exitCode;
    try (PrintStream print = new PrintStream(toolOutput, true, StandardCharsets.UTF_8)) {
      exitCode =
          StorageTool.execute(
              new String[] {
                "format", "--config", propertiesFile.toString(), "--cluster-id", clusterId
              },
              print);
    }
    if (exitCode != 0) {
      throw new IllegalStateException(
          "kafka-storage format of node "
              + id
              + " in "
              + directory
              + " failed with exit code "
              + exitCode
              + ": "
              + toolOutput.toString(StandardCharsets.UTF_8));
    }
  }

  /**
   * Starts the server. In a multi-node cluster this blocks until the controller quorum has a leader
   * and the broker has caught up with the metadata log, so the nodes of a new cluster must be
   * started concurrently.
   */
  synchronized void start() {
    if (server != null) {
      throw new IllegalStateException("node " + id + " is already running");
    }
    KafkaRaftServer starting = new KafkaRaftServer(new KafkaConfig(config), Time.SYSTEM);
    try {
      starting.startup();
    } catch (RuntimeException e) {
      starting.shutdown();
      starting.awaitShutdown();
      throw e;
    }
    server = starting;
  }

  /**
   * Stops only the broker half of the node, with a controlled shutdown: leadership moves to the
   * other nodes first, which needs the controller quorum's approval. {@link
   * KafkaRaftServer#shutdown()} stops the broker and then the controller of one node; when all
   * nodes stop together, the last broker would wait (5 minutes) for a quorum whose controllers
   * already stopped. So a cluster stops every broker first, then every node. KafkaRaftServer has no
   * public handle on its broker: the field is read reflectively.
   */
  synchronized void stopBroker() {
    if (server == null) {
      return;
    }
    Object broker;
    try {
      Field field = KafkaRaftServer.class.getDeclaredField("broker");
      field.setAccessible(true);
      broker = ((Option<?>) field.get(server)).getOrElse(() -> null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "this Kafka version's KafkaRaftServer has no 'broker' field", e);
    }
    if (broker != null) {
      ((BrokerServer) broker).shutdown();
    }
  }

  /** Stops the server with a controlled shutdown (leadership moves to the other nodes first). */
  synchronized void stop() {
    if (server == null) {
      return;
    }
    try {
      server.shutdown();
      server.awaitShutdown();
    } finally {
      server = null;
    }
  }
}
