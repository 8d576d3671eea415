package io.coiommu.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coiommu.launcher.kafka.EmbeddedKafkaCluster;
import io.coiommu.producer.ForwardingTraceSource;
import io.coiommu.producer.Pacing;
import io.coiommu.producer.ProduceStats;
import io.coiommu.producer.ProgressListener;
import io.coiommu.producer.TraceProducer;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.TraceTopicTail;
import io.coiommu.producer.VmEvent;
import io.coiommu.producer.Workloads;
import io.coiommu.schema.Topics;
import io.coiommu.schema.WindowResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The producer stopped mid-trace at one pace and started again at another (its batches then fall
 * elsewhere in each VM's stream), then once more from the start: the processor applies every event
 * once, and the results are exactly those of an uninterrupted run.
 */
class ProducerRestartTest {

  /** Events the first producer takes from the trace before it is stopped. */
  private static final long STOP_AFTER = 200_000;

  @TempDir Path dir;

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void aProducerRestartedAtAnotherSpeedGivesTheUninterruptedAnswer() throws Exception {
    long t0 = System.nanoTime();
    try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(1)) {
      Properties client = cluster.clientProperties();
      cluster.createTopics(FaultRun.topics());
      try (KafkaStreams streams = FaultRun.streams(client, "producer-restart", dir)) {
        streams.start();
        try (TraceProducer first = new TraceProducer(client, Topics.TRACE_EVENTS)) {
          assertThatThrownBy(
                  () ->
                      first.produce(
                          new StoppingAfter(Workloads.open(FaultRun.WORKLOAD), STOP_AFTER),
                          Pacing.parse("40x"),
                          ProgressListener.NONE))
              .hasMessageContaining("stopped");
        }
        Map<String, Long> held =
            TraceTopicTail.sentPerVm(client, Topics.TRACE_EVENTS, Duration.ofSeconds(30));
        long heldEvents = held.values().stream().mapToLong(Long::longValue).sum();
        assertThat(heldEvents).isPositive().isLessThanOrEqualTo(STOP_AFTER);

        ProduceStats resumed;
        try (TraceProducer second = new TraceProducer(client, Topics.TRACE_EVENTS)) {
          resumed =
              second.produce(
                  Workloads.open(FaultRun.WORKLOAD), Pacing.MAX, ProgressListener.NONE, held);
        }
        assertThat(resumed.skipped()).isEqualTo(heldEvents);
        // Everything once more, cut in batches of yet another pace: every event of it is a repeat.
        ProduceStats again;
        try (TraceProducer third = new TraceProducer(client, Topics.TRACE_EVENTS)) {
          again =
              third.produce(
                  Workloads.open(FaultRun.WORKLOAD), Pacing.parse("1000x"), ProgressListener.NONE);
        }
        assertThat(again.events()).isEqualTo(resumed.events() + heldEvents);

        Map<String, List<WindowResult>> reference = FaultRun.reference(client);
        Map<String, List<WindowResult>> results =
            FaultRun.results(client, reference, Duration.ofSeconds(60));
        FaultRun.assertSameAsReference(results, reference);
        System.out.printf(
            "producer stopped after %,d events (%,d acknowledged), resumed at max (%,d sent), re-sent "
                + "whole at 1000x (%,d): %d records of %d (scenario, VM) pairs identical, in %.1f s%n",
            STOP_AFTER,
            heldEvents,
            resumed.events(),
            again.events(),
            FaultRun.records(results),
            reference.size(),
            (System.nanoTime() - t0) / 1e9);
      }
    }
  }

  /**
   * A trace that breaks off after some events, as a producer killed mid-trace would stop reading
   * it.
   */
  private static final class StoppingAfter extends ForwardingTraceSource {
    private final long limit;
    private long taken;

    StoppingAfter(TraceSource delegate, long limit) {
      super(delegate);
      this.limit = limit;
    }

    @Override
    public VmEvent next() {
      if (++taken > limit) {
        throw new IllegalStateException("producer stopped after " + limit + " events");
      }
      return delegate.next();
    }
  }
}
