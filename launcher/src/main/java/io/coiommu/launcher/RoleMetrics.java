package io.coiommu.launcher;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Prometheus metrics of the {@code produce} and {@code process} roles on {@code /metrics}: Kafka
 * Streams' and the Kafka clients' own metrics (records/s, commit latency, consumer lag per
 * partition, state store figures, request latency...) through Micrometer's Kafka binders, which
 * follow the clients' metrics as they come and go (a rebalance adds and removes partitions), and
 * the role's own figures. Kafka's metric names keep their group: {@code
 * kafka_consumer_fetch_manager_records_lag}, {@code kafka_stream_thread_commit_latency_avg}, ...
 */
final class RoleMetrics implements AutoCloseable {

  private final PrometheusMeterRegistry registry;
  private final HTTPServer server;

  /**
   * How often the binders look for metrics the clients added: a partition's lag appears only once
   * it is fetched, and Micrometer's default (60 s) would leave a new assignment unseen for a
   * minute.
   */
  private static final Duration REFRESH = Duration.ofSeconds(10);

  private final List<AutoCloseable> binders = new ArrayList<>();
  private final ScheduledExecutorService refresher =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "coiommu-metrics-refresh");
            t.setDaemon(true);
            return t;
          });

  private RoleMetrics(PrometheusMeterRegistry registry, HTTPServer server) {
    this.registry = registry;
    this.server = server;
  }

  /** Serves on {@code bind}:{@code port} (0: any free port), and says where on {@code log}. */
  static RoleMetrics serve(String bind, int port, PrintStream log) throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HTTPServer server =
        HTTPServer.builder()
            .hostname(bind)
            .port(port)
            .registry(registry.getPrometheusRegistry())
            .buildAndStart();
    log.println("prometheus metrics: http://" + bind + ":" + server.getPort() + "/metrics");
    return new RoleMetrics(registry, server);
  }

  MeterRegistry registry() {
    return registry;
  }

  int port() {
    return server.getPort();
  }

  void bind(KafkaStreams streams) {
    KafkaStreamsMetrics m = new KafkaStreamsMetrics(streams, List.of(), refresher, REFRESH);
    m.bindTo(registry);
    binders.add(m);
  }

  void bind(Producer<?, ?> producer) {
    KafkaClientMetrics m = new KafkaClientMetrics(producer, List.of(), refresher, REFRESH);
    m.bindTo(registry);
    binders.add(m);
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable b : binders) {
      b.close();
    }
    refresher.shutdownNow();
    server.close();
    registry.close();
  }
}
