package io.coiommu.launcher.kafka;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Utils;

/**
 * Apache Kafka's own KRaft server, run in this JVM: 1 or 3 combined broker+controller nodes on free
 * loopback ports, storage in a temporary directory that {@link #close()} deletes.
 *
 * <p>It is the default broker of {@code coiommu run} and of the integration tests: a real broker
 * with real transactions, so exactly-once Kafka Streams behaves as on a production cluster, without
 * installing anything.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final String LOOPBACK = "127.0.0.1";

  private final Path root;
  private final List<KafkaNode> nodes;
  private final String bootstrapServers;
  private final int replicationFactor;

  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread closeOnExit = new Thread(this::close, "embedded-kafka-close-on-exit");

  private EmbeddedKafkaCluster(Path root, List<KafkaNode> nodes, String bootstrapServers) {
    this.root = root;
    this.nodes = nodes;
    this.bootstrapServers = bootstrapServers;
    this.replicationFactor = Math.min(nodes.size(), 3);
    // A run interrupted with Ctrl-C skips the launcher's finally blocks; without this every such
    // run would
    // leave its log segments in the temp directory.
    Runtime.getRuntime().addShutdownHook(closeOnExit);
  }

  /**
   * Formats and starts a cluster of {@code nodeCount} nodes (1, or 3 for failover tests) and
   * returns once every broker serves clients.
   */
  public static EmbeddedKafkaCluster start(int nodeCount) throws Exception {
    if (nodeCount != 1 && nodeCount != 3) {
      throw new IllegalArgumentException("an embedded cluster has 1 or 3 nodes, not " + nodeCount);
    }
    Path root = Files.createTempDirectory("coiommu-kafka-");
    EmbeddedKafkaCluster cluster = null;
    try {
      cluster = format(root, nodeCount);
      cluster.startAll();
      return cluster;
    } catch (Exception | Error e) {
      try {
        if (cluster != null) {
          cluster.close();
        } else {
          Utils.delete(root.toFile());
        }
      } catch (RuntimeException | IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /**
   * Formats the storage of {@code nodeCount} nodes without starting any: each node's {@link
   * #serverProperties} is what {@code kafka.Kafka} (or {@code kafka-server-start.sh}) runs in its
   * own JVM, as an operator runs brokers. {@link #close()} deletes the storage; it cannot stop
   * brokers that other processes run.
   */
  public static EmbeddedKafkaCluster formatOnly(int nodeCount) throws Exception {
    if (nodeCount != 1 && nodeCount != 3) {
      throw new IllegalArgumentException("an embedded cluster has 1 or 3 nodes, not " + nodeCount);
    }
    return format(Files.createTempDirectory("coiommu-kafka-"), nodeCount);
  }

  /** The formatted server.properties of every node, in node order. */
  public List<Path> serverProperties() {
    return nodes.stream().map(KafkaNode::serverProperties).toList();
  }

  private static EmbeddedKafkaCluster format(Path root, int nodeCount) throws IOException {
    int[] ports = freeLoopbackPorts(2 * nodeCount);
    List<String> voters = new ArrayList<>();
    List<String> brokers = new ArrayList<>();
    for (int id = 0; id < nodeCount; id++) {
      voters.add(id + "@" + LOOPBACK + ":" + ports[2 * id + 1]);
      brokers.add(LOOPBACK + ":" + ports[2 * id]);
    }
    String clusterId = Uuid.randomUuid().toString();
    List<KafkaNode> nodes = new ArrayList<>();
    for (int id = 0; id < nodeCount; id++) {
      Path directory = root.resolve("node-" + id);
      Properties config =
          BrokerSettings.forNode(
              id, nodeCount, ports[2 * id], ports[2 * id + 1], String.join(",", voters), directory);
      KafkaNode node = new KafkaNode(id, directory, config);
      node.format(clusterId);
      nodes.add(node);
    }
    return new EmbeddedKafkaCluster(root, nodes, String.join(",", brokers));
  }

  /**
   * Static quorum voters must name their ports before any node starts, so ports are reserved by
   * binding port 0 and released just before Kafka binds them; all are held at once so that no two
   * nodes get the same one.
   */
  private static int[] freeLoopbackPorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName(LOOPBACK));
        socket.setReuseAddress(true);
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  /**
   * Each node's startup waits for a controller quorum, which only forms once a majority runs: start
   * them together.
   */
  private void startAll() throws Exception {
    ExecutorService starter = nodeThreads("embedded-kafka-start");
    try {
      List<Future<?>> started = new ArrayList<>();
      for (KafkaNode node : nodes) {
        started.add(starter.submit(node::start));
      }
      for (Future<?> future : started) {
        future.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      starter.shutdownNow();
    }
    awaitRunningBrokersServe();
  }

  /** One thread per node: each node's start or stop blocks on the others. */
  private ExecutorService nodeThreads(String name) {
    return Executors.newFixedThreadPool(
        nodes.size(),
        runnable -> {
          Thread thread = new Thread(runnable, name);
          thread.setDaemon(true);
          return thread;
        });
  }

  /** {@code host:port,...} of every node, running or not: clients fail over to whichever is up. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** What a producer, consumer, admin client or Streams application needs to reach this cluster. */
  public Properties clientProperties() {
    Properties properties = new Properties();
    properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return properties;
  }

  /**
   * Creates the topics with {@code min(nodes, 3)} replicas each and returns once every partition
   * has a leader and a full in-sync replica set, so that a producer started right after never sees
   * a missing leader.
   */
  public void createTopics(Map<String, Integer> partitionsByTopic) throws Exception {
    try (Admin admin = Admin.create(clientProperties())) {
      KafkaTopics.createAndAwait(
          admin, partitionsByTopic, (short) replicationFactor, READY_TIMEOUT);
    }
  }

  /**
   * Stops node {@code i} (controlled shutdown); its data stays so that {@link #startNode(int)}
   * brings it back. On 3 nodes only one may be down at a time, or the controller quorum is lost.
   */
  public void stopNode(int i) {
    KafkaNode node = node(i);
    long runningAfter =
        nodes.stream()
            .filter(other -> other != node && other.state() == KafkaNode.State.RUNNING)
            .count();
    // Without a majority of controllers the remaining brokers can neither serve nor shut down
    // cleanly.
    if (nodes.size() > 1 && runningAfter <= nodes.size() / 2) {
      throw new IllegalStateException(
          "stopping node "
              + i
              + " would leave "
              + runningAfter
              + " of "
              + nodes.size()
              + " controllers, less than a quorum");
    }
    node.stop();
  }

  /**
   * Restarts node {@code i} after {@link #stopNode(int)} and returns once it serves clients again.
   */
  public void startNode(int i) throws Exception {
    node(i).start();
    awaitRunningBrokersServe();
  }

  private KafkaNode node(int i) {
    if (i < 0 || i >= nodes.size()) {
      throw new IllegalArgumentException("no node " + i + " in a cluster of " + nodes.size());
    }
    return nodes.get(i);
  }

  /**
   * A started server may still be fenced; it serves only once the controller has unfenced it, and
   * only unfenced brokers appear in describeCluster.
   */
  private void awaitRunningBrokersServe() throws Exception {
    Set<Integer> expected =
        nodes.stream()
            .filter(node -> node.state() == KafkaNode.State.RUNNING)
            .map(KafkaNode::id)
            .collect(Collectors.toSet());
    try (Admin admin = Admin.create(clientProperties())) {
      Polling.await(
          READY_TIMEOUT,
          "brokers " + expected + " serving at " + bootstrapServers,
          () -> {
            Set<Integer> serving =
                admin.describeCluster().nodes().get().stream()
                    .map(Node::id)
                    .collect(Collectors.toSet());
            return serving.equals(expected);
          });
    }
  }

  /**
   * Stops all brokers, then all nodes: a broker's controlled shutdown needs a controller quorum
   * (see {@link KafkaNode#stopBroker()}). A 3-node close still takes about 5 s: the last active
   * controller waits that long for a successor before giving up its leadership.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (Thread.currentThread() != closeOnExit) {
      try {
        Runtime.getRuntime().removeShutdownHook(closeOnExit);
      } catch (IllegalStateException jvmExiting) {
        // Closed from another shutdown hook: ours is about to run and will find the cluster closed.
      }
    }
    ExecutorService stopper = nodeThreads("embedded-kafka-stop");
    List<Exception> failures = new ArrayList<>();
    try {
      onEveryNode(stopper, KafkaNode::stopBroker, failures);
      onEveryNode(stopper, KafkaNode::stop, failures);
    } finally {
      stopper.shutdownNow();
      try {
        Utils.delete(root.toFile());
      } catch (IOException e) {
        failures.add(new IOException("could not delete " + root, e));
      }
    }
    if (!failures.isEmpty()) {
      IllegalStateException failure =
          new IllegalStateException("stopping the embedded Kafka cluster failed", failures.get(0));
      failures.subList(1, failures.size()).forEach(failure::addSuppressed);
      throw failure;
    }
  }

  private void onEveryNode(
      ExecutorService executor, Consumer<KafkaNode> action, List<Exception> failures) {
    List<Future<?>> done = new ArrayList<>();
    for (KafkaNode node : nodes) {
      done.add(executor.submit(() -> action.accept(node)));
    }
    for (Future<?> future : done) {
      try {
        future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failures.add(e);
      } catch (ExecutionException e) {
        failures.add(e);
      }
    }
  }

  /** The temporary directory holding every node's storage; gone after {@link #close()}. */
  public Path directory() {
    return root;
  }
}
