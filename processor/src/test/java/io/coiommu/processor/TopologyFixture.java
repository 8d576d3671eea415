package io.coiommu.processor;

import io.coiommu.schema.Anomaly;
import io.coiommu.schema.AvroSerde;
import io.coiommu.schema.EventBatch;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.Topics;
import io.coiommu.schema.WindowResult;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The emulation topology exactly as {@code process} builds it, under a TopologyTestDriver, with its
 * trace topic in and its result and anomaly topics out.
 */
final class TopologyFixture implements AutoCloseable {

  final TopologyTestDriver driver;
  final TestInputTopic<String, EventBatch> trace;
  final TestOutputTopic<String, WindowResult> results;
  final TestOutputTopic<String, Anomaly> anomalies;

  TopologyFixture(ProcessorConfig config, String applicationId, Path stateDir) {
    this(EmulationTopology.buildTopology(config), applicationId, stateDir);
  }

  /** The topology with its trace records decoded by {@code traces}. */
  TopologyFixture(
      ProcessorConfig config,
      String applicationId,
      Path stateDir,
      Deserializer<EventColumns> traces) {
    this(EmulationTopology.buildTopology(config, traces), applicationId, stateDir);
  }

  private TopologyFixture(Topology topology, String applicationId, Path stateDir) {
    Properties client = new Properties();
    client.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver =
        new TopologyTestDriver(
            topology, StreamsSettings.properties(client, applicationId, stateDir));
    trace =
        driver.createInputTopic(
            Topics.TRACE_EVENTS, Serdes.String().serializer(), AvroSerde.of(EventBatch.class));
    results =
        driver.createOutputTopic(
            Topics.WINDOW_RESULTS,
            Serdes.String().deserializer(),
            AvroSerde.of(WindowResult.class));
    anomalies =
        driver.createOutputTopic(
            Topics.ANOMALIES, Serdes.String().deserializer(), AvroSerde.of(Anomaly.class));
  }

  @Override
  public void close() {
    driver.close();
  }
}
