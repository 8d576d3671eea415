package io.coiommu.launcher;

import io.coiommu.analytics.AnalyticsPublisher;
import io.coiommu.analytics.AnalyticsTopics;
import io.coiommu.analytics.DmaTemporalLocality;
import io.coiommu.analytics.RunSummary;
import io.coiommu.analytics.TraceReader;
import io.coiommu.launcher.kafka.EmbeddedKafkaCluster;
import io.coiommu.processor.EmulationTopology;
import io.coiommu.processor.ProcessorConfig;
import io.coiommu.processor.StreamsSettings;
import io.coiommu.processor.engine.Scenario;
import io.coiommu.producer.ForwardingTraceSource;
import io.coiommu.producer.Pacing;
import io.coiommu.producer.ProduceStats;
import io.coiommu.producer.ProgressListener;
import io.coiommu.producer.TraceProducer;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.VmEvent;
import io.coiommu.producer.trace.NoDmaEventsException;
import io.coiommu.producer.trace.TraceReaders;
import io.coiommu.schema.Topics;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * The whole path in one process: trace -> Kafka -> Streams emulation -> results. Used by {@code
 * coiommu run} and by the end-to-end tests, so both exercise exactly the same wiring.
 */
public final class Pipeline {

  /**
   * @param client Kafka client settings (bootstrap servers, security); null starts an embedded
   *     broker
   * @param trace opens the trace to replay
   * @param partitions partitions of the trace topic: bounds the processor's parallelism
   * @param results filled while results arrive, so a dashboard or metrics endpoint can serve it
   *     live
   */
  public record Options(
      Properties client,
      Callable<TraceSource> trace,
      ProcessorConfig processor,
      int partitions,
      Pacing pacing,
      Duration timeout,
      ProgressListener progress,
      RunSummary results) {

    /** Options with a fresh summary windowed like the processor's results. */
    public Options(
        Properties client,
        Callable<TraceSource> trace,
        ProcessorConfig processor,
        int partitions,
        Pacing pacing,
        Duration timeout,
        ProgressListener progress) {
      this(
          client,
          trace,
          processor,
          partitions,
          pacing,
          timeout,
          progress,
          new RunSummary(Duration.ofNanos(processor.engine().windowNs())));
    }
  }

  /** What a run produced and how long its stages took. */
  public record Result(
      RunSummary summary,
      ProduceStats produced,
      Set<String> vms,
      String trace,
      AnomalyCounts anomalies,
      Duration brokerStart,
      Duration total) {}

  private Pipeline() {}

  public static Result run(Options options, PrintStream log) throws Exception {
    long t0 = System.nanoTime();
    EmbeddedKafkaCluster embedded = null;
    Path stateDir = Files.createTempDirectory("coiommu-streams-");
    try {
      Properties client = options.client();
      Duration brokerStart = Duration.ZERO;
      if (client == null) {
        embedded = EmbeddedKafkaCluster.start(1);
        client = embedded.clientProperties();
        brokerStart = Duration.ofNanos(System.nanoTime() - t0);
        log.printf(
            "embedded Kafka broker (KRaft) on %s, started in %.1f s%n",
            embedded.bootstrapServers(), brokerStart.toMillis() / 1000.0);
      }
      TopicSetup.ensure(client, options.partitions(), options.timeout());

      String appId = StreamsSettings.DEFAULT_APPLICATION_ID + "-" + UUID.randomUUID();
      RunStart start = RunStart.mark(client, appId);
      try (KafkaStreams streams =
          new KafkaStreams(
              EmulationTopology.buildTopology(options.processor()),
              StreamsSettings.properties(client, appId, stateDir))) {
        streams.setUncaughtExceptionHandler(
            e -> {
              log.println("processor failed: " + e);
              return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
        streams.start();
        RunSummary summary = options.results();
        synchronized (summary) {
          summary.setScenarioOrder(
              options.processor().scenarios().stream().map(Scenario::name).toList());
          summary.setCostModel(options.processor().engine().costs().describe());
        }
        try (ResultsFollower results =
            ResultsFollower.start(client, appId, summary, start.results())) {
          ProduceStats produced;
          VmRecorder source;
          try (TraceProducer producer =
              new TraceProducer(
                  TraceProducer.deliveringWithin(client, options.timeout()), Topics.TRACE_EVENTS)) {
            source = new VmRecorder(options.trace().call());
            log.println("trace: " + source.describe());
            try (source) {
              produced = producer.produce(source, options.pacing(), options.progress());
            }
          }
          if (source.rejects().anyNotReplayed()) {
            log.println(source.rejects().summary());
          }
          if (source.vms().isEmpty()) {
            // No VM, no result to wait for: say why instead of waiting out the timeout.
            throw new NoDmaEventsException(
                "no event in "
                    + source.describe()
                    + ": "
                    + TraceReaders.whyNoEvents(source.rejects()));
          }
          int scenarios = options.processor().scenarios().size();
          log.printf(
              "waiting for the results of %d scenarios x %d VMs%n", scenarios, source.vms().size());
          results.awaitComplete(
              source.vms(),
              scenarios,
              options.timeout(),
              () -> {
                KafkaStreams.State state = streams.state();
                if (state == KafkaStreams.State.ERROR
                    || state == KafkaStreams.State.PENDING_ERROR
                    || state == KafkaStreams.State.NOT_RUNNING) {
                  throw new IllegalStateException(
                      "the processor stopped (" + state + ") before all results arrived");
                }
              });
          // Said as the rejects are: what the emulation found odd, per reason, and where it is
          // kept.
          AnomalyCounts anomalies =
              AnomalyCounts.read(client, start.anomalies(), options.timeout());
          log.println(anomalies.summary());
          // The gap between a page's unmap and its next map says how long lazy unpinning should
          // wait.
          DmaTemporalLocality locality =
              TraceReader.temporalLocality(
                  client, options.timeout(), start.trace(), source.vms().size());
          synchronized (summary) {
            summary.setTemporalLocality(locality);
          }
          int published = AnalyticsPublisher.publish(summary, client);
          log.printf(
              "published %d host and fleet records on %s and %s%n",
              published, AnalyticsTopics.GROUP_WINDOWS, AnalyticsTopics.GROUP_SUMMARIES);
          return new Result(
              summary,
              produced,
              source.vms(),
              source.describe(),
              anomalies,
              brokerStart,
              Duration.ofNanos(System.nanoTime() - t0));
        }
      }
    } finally {
      if (embedded != null) {
        embedded.close();
      }
      Utils.delete(stateDir.toFile());
    }
  }

  /** Remembers which VMs a trace contains, so the run knows whose results to wait for. */
  private static final class VmRecorder extends ForwardingTraceSource {
    private final Set<String> vms = new TreeSet<>();
    private String lastVm;

    VmRecorder(TraceSource delegate) {
      super(delegate);
    }

    Set<String> vms() {
      return vms;
    }

    @Override
    public VmEvent next() {
      if (!delegate.hasNext()) {
        throw new NoSuchElementException();
      }
      VmEvent e = delegate.next();
      // Consecutive events mostly belong to the same VM: skip the set lookup for them.
      if (!e.vm().equals(lastVm)) {
        vms.add(e.vm());
        lastVm = e.vm();
      }
      return e;
    }
  }
}
