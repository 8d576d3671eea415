package io.coiommu.launcher;

import io.coiommu.launcher.kafka.EmbeddedKafkaCluster;
import io.coiommu.processor.EmulationTopology;
import io.coiommu.processor.ProcessorConfig;
import io.coiommu.processor.StreamsSettings;
import io.coiommu.producer.Pacing;
import io.coiommu.producer.ProgressListener;
import io.coiommu.producer.TraceProducer;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.Workloads;
import io.coiommu.schema.Topics;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What the produce and process roles' metrics endpoints really serve: both wired as the commands
 * wire them, on a real broker, with a small trace flowing, scraped once the per-partition consumer
 * lag (which appears only once partitions are fetched) is there.
 */
public final class RoleMetricsProbe {

  private static final Duration DEADLINE = Duration.ofSeconds(90);

  private RoleMetricsProbe() {}

  /** The Prometheus exposition of a producer's endpoint and of a processor's, concatenated. */
  public static String scrapeBoth() throws Exception {
    PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
    Path state = Files.createTempDirectory("coiommu-metrics-probe-");
    try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(1)) {
      Properties client = cluster.clientProperties();
      TopicSetup.ensure(client, 2, DEADLINE);
      try (RoleMetrics producerMetrics = RoleMetrics.serve("127.0.0.1", 0, quiet);
          RoleMetrics processorMetrics = RoleMetrics.serve("127.0.0.1", 0, quiet);
          KafkaStreams streams =
              new KafkaStreams(
                  EmulationTopology.buildTopology(ProcessorConfig.defaults()),
                  StreamsSettings.properties(client, "metrics-probe", state))) {
        processorMetrics.bind(streams);
        streams.start();
        try (TraceProducer producer = new TraceProducer(client, Topics.TRACE_EVENTS);
            TraceSource source = Workloads.open("fleet:hosts=1,vms=2,duration=5s,seed=1")) {
          producerMetrics.bind(producer.client());
          ProgressListener position =
              TracePosition.register(
                  producerMetrics.registry(), source, Map.of(), ProgressListener.NONE);
          producer.produce(source, Pacing.MAX, position, Map.of());
          long deadline = System.nanoTime() + DEADLINE.toNanos();
          while (true) {
            String both = scrape(producerMetrics.port()) + scrape(processorMetrics.port());
            if (both.contains("kafka_consumer_fetch_manager_records_lag{")
                && both.contains("kafka_producer_record_send_total")) {
              return both;
            }
            if (System.nanoTime() - deadline > 0) {
              throw new IllegalStateException(
                  "no per-partition lag in the processor's metrics after " + DEADLINE);
            }
            Thread.sleep(1000);
          }
        }
      }
    } finally {
      Utils.delete(state.toFile());
    }
  }

  private static String scrape(int port) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("metrics endpoint answered " + r.statusCode());
    }
    return r.body();
  }
}
