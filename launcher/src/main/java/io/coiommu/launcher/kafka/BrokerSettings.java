package io.coiommu.launcher.kafka;

import java.nio.file.Path;
import java.util.Properties;

/**
 * The server.properties of an embedded node: Kafka's defaults are sized for a dedicated multi-core
 * server with 3+ brokers; these fit 1 or 3 nodes sharing a 2-core machine with the whole pipeline.
 */
final class BrokerSettings {

  private static final String BROKER_LISTENER = "PLAINTEXT";
  private static final String CONTROLLER_LISTENER = "CONTROLLER";

  private BrokerSettings() {}

  static Properties forNode(
      int nodeId,
      int nodeCount,
      int brokerPort,
      int controllerPort,
      String voters,
      Path directory) {
    int replication = Math.min(nodeCount, 3);
    // One replica may be down (the failover tests stop one of 3) while acks=all writes still
    // succeed; on a
    // single node the only replica must suffice.
    int minInSync = Math.min(replication, 2);

    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(nodeId));
    p.put("controller.quorum.voters", voters);
    p.put(
        "listeners",
        BROKER_LISTENER
            + "://127.0.0.1:"
            + brokerPort
            + ","
            + CONTROLLER_LISTENER
            + "://127.0.0.1:"
            + controllerPort);
    p.put("advertised.listeners", BROKER_LISTENER + "://127.0.0.1:" + brokerPort);
    p.put(
        "listener.security.protocol.map",
        BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put("inter.broker.listener.name", BROKER_LISTENER);
    p.put("log.dirs", directory.resolve("data").toString());

    p.put("num.partitions", "1");
    p.put("default.replication.factor", Integer.toString(replication));
    p.put("min.insync.replicas", Integer.toString(minInSync));
    // Internal topics default to 3 replicas and min.isr 2, which a single node can never satisfy:
    // consumer groups, transactions (exactly_once_v2) and share groups would hang. Few partitions:
    // each one costs a log, index files and coordinator loading time, and this workload has a
    // handful of groups.
    p.put("offsets.topic.replication.factor", Integer.toString(replication));
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", Integer.toString(replication));
    p.put("transaction.state.log.min.isr", Integer.toString(minInSync));
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", Integer.toString(replication));
    p.put("share.coordinator.state.topic.min.isr", Integer.toString(minInSync));
    p.put("share.coordinator.state.topic.num.partitions", "1");

    // Nobody else joins late: waiting 3 s for more members only delays every Streams and consumer
    // start.
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("group.streams.initial.rebalance.delay.ms", "0");

    // Small segments and indexes: runs are short and temporary, and every segment preallocates its
    // indexes.
    p.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
    p.put("log.index.size.max.bytes", Integer.toString(1024 * 1024));
    p.put("offsets.topic.segment.bytes", Integer.toString(16 * 1024 * 1024));
    p.put("transaction.state.log.segment.bytes", Integer.toString(16 * 1024 * 1024));
    // The cleaner compacts changelogs and offsets; its default 128 MiB buffer per node is heap we
    // need elsewhere.
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));

    // Thread pools sized for 2 cores shared with the producer and Streams threads.
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    p.put("background.threads", "2");
    p.put("num.recovery.threads.per.data.dir", "1");
    p.put("group.coordinator.threads", "1");
    return p;
  }
}
