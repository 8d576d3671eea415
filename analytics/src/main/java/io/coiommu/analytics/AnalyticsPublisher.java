package io.coiommu.analytics;

import io.coiommu.analytics.schema.GroupSummary;
import io.coiommu.analytics.schema.GroupWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a finished run's host and fleet figures on {@link AnalyticsTopics}, keyed by scenario
 * so one scenario's records stay in order. A run is published once it is complete: a host's or the
 * fleet's window is only final when every VM has passed it, which only the end of the run proves.
 */
public final class AnalyticsPublisher {

  private AnalyticsPublisher() {}

  /** Publishes and waits until the broker has every record. Returns how many were sent. */
  public static int publish(RunSummary s, Properties kafkaClientProps)
      throws InterruptedException, ExecutionException {
    try (Producer<String, byte[]> producer =
        new KafkaProducer<>(kafkaClientProps, new StringSerializer(), new ByteArraySerializer())) {
      return publish(s, producer);
    }
  }

  static int publish(RunSummary s, Producer<String, byte[]> producer)
      throws InterruptedException, ExecutionException {
    var windows = AnalyticsSchemas.groupWindowSerde();
    var summaries = AnalyticsSchemas.groupSummarySerde();
    List<Future<?>> sends = new ArrayList<>();
    for (GroupWindow w : AnalyticsRecords.groupWindows(s)) {
      sends.add(
          producer.send(
              new ProducerRecord<>(
                  AnalyticsTopics.GROUP_WINDOWS,
                  w.getScenario(),
                  windows.serialize(AnalyticsTopics.GROUP_WINDOWS, w))));
    }
    for (GroupSummary g : AnalyticsRecords.groupSummaries(s)) {
      sends.add(
          producer.send(
              new ProducerRecord<>(
                  AnalyticsTopics.GROUP_SUMMARIES,
                  g.getScenario(),
                  summaries.serialize(AnalyticsTopics.GROUP_SUMMARIES, g))));
    }
    producer.flush();
    for (Future<?> send : sends) {
      // After flush() every send has completed; get() surfaces any that failed.
      send.get();
    }
    return sends.size();
  }
}
