package io.coiommu.launcher.kafka;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Measures how long {@link EmbeddedKafkaCluster#start(int)} takes (a measurement, not a test):
 * {@code java -cp <test classpath> io.coiommu.launcher.kafka.StartTiming NODES RUNS}. The first
 * start of a JVM includes loading Kafka's classes, which is what {@code coiommu run} pays; later
 * starts in the same JVM show the broker's own startup.
 */
public final class StartTiming {

  private StartTiming() {}

  public static void main(String[] args) throws Exception {
    int nodes = Integer.parseInt(args[0]);
    int runs = Integer.parseInt(args[1]);
    List<Long> later = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      long begin = System.nanoTime();
      EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(nodes);
      long started = System.nanoTime();
      cluster.createTopics(Map.of("timing", 1));
      long created = System.nanoTime();
      cluster.close();
      long closed = System.nanoTime();
      System.out.printf(
          "nodes=%d run=%d start_ms=%d create_topic_ms=%d close_ms=%d%n",
          nodes, run, millis(started - begin), millis(created - started), millis(closed - created));
      if (run > 0) {
        later.add(millis(started - begin));
      }
    }
    if (!later.isEmpty()) {
      Collections.sort(later);
      System.out.printf(
          "nodes=%d median_start_ms_after_first=%d%n", nodes, later.get(later.size() / 2));
    }
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }
}
