package io.coiommu.analytics;

import static io.coiommu.analytics.Results.COIOMMU;
import static io.coiommu.analytics.Results.S;
import static io.coiommu.analytics.Results.STATIC;
import static io.coiommu.analytics.Results.steady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coiommu.schema.ResultHeaders;
import io.coiommu.schema.Topics;
import io.coiommu.schema.WindowResult;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class ResultsConsumerTest {

  private static final TopicPartition P0 = new TopicPartition(Topics.WINDOW_RESULTS, 0);
  private static final TopicPartition P1 = new TopicPartition(Topics.WINDOW_RESULTS, 1);

  private final MockConsumer<String, WindowResult> consumer = new MockConsumer<>("earliest");

  ResultsConsumerTest() {
    Node node = new Node(0, "localhost", 9092);
    consumer.updatePartitions(
        Topics.WINDOW_RESULTS,
        List.of(
            new PartitionInfo(Topics.WINDOW_RESULTS, 0, node, new Node[0], new Node[0]),
            new PartitionInfo(Topics.WINDOW_RESULTS, 1, node, new Node[0], new Node[0])));
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
  }

  private long offset;

  private void send(TopicPartition p, WindowResult r) {
    consumer.schedulePollTask(
        () ->
            consumer.addRecord(
                new ConsumerRecord<>(p.topic(), p.partition(), offset++, r.getVm(), r)));
  }

  @Test
  void readsEveryPartitionUntilEachScenarioAndVmIsComplete() throws Exception {
    send(P0, steady(STATIC, "a", "h1", 0, S, 10).build());
    send(P1, steady(STATIC, "b", "h2", 0, S, 20).setLast(true).build());
    send(P0, steady(COIOMMU, "a", "h1", 0, S, 1).setLast(true).build());
    send(P1, steady(COIOMMU, "b", "h2", 0, S, 2).setLast(true).build());
    send(P0, steady(STATIC, "a", "h1", S, 2 * S, 10).setLast(true).build());

    List<WindowResult> seen = new ArrayList<>();
    RunSummary s =
        ResultsConsumer.consume(
            consumer, Set.of("a", "b"), 2, Duration.ofMinutes(1), new RunSummary(), seen::add);

    assertThat(s.complete(Set.of("a", "b"), 2)).isTrue();
    assertThat(s.expectedVmRuns()).isEqualTo(4);
    assertThat(seen).hasSize(5);
    assertThat(consumer.assignment()).containsExactlyInAnyOrder(P0, P1);
    assertThat(s.scenario(STATIC).vm("a").durationNs()).isEqualTo(2 * S);
    assertThat(s.scenario(STATIC).fleet().peakPinnedBytes()).isEqualTo(30 * 4096);
  }

  private void send(
      TopicPartition p, WindowResult r, org.apache.kafka.common.header.Headers headers) {
    consumer.schedulePollTask(
        () ->
            consumer.addRecord(
                new ConsumerRecord<>(
                    p.topic(),
                    p.partition(),
                    offset++,
                    ConsumerRecord.NO_TIMESTAMP,
                    TimestampType.NO_TIMESTAMP_TYPE,
                    ConsumerRecord.NULL_SIZE,
                    ConsumerRecord.NULL_SIZE,
                    r.getVm(),
                    r,
                    headers,
                    java.util.Optional.empty())));
  }

  @Test
  void twoApplicationsOverOneTraceAreReadApartWithTheirScenarioOrderAndCosts() throws Exception {
    // whatif-2 ran other scenarios over the same VMs into the same topic: none of its records may
    // count for whatif-1.
    send(
        P0,
        steady(COIOMMU, "a", "h1", 0, S, 1).setLast(true).build(),
        ResultHeaders.ofLast("whatif-1", List.of(COIOMMU, STATIC), "costs-1"));
    send(
        P1,
        steady("oracle", "a", "h1", 0, S, 5).setLast(true).build(),
        ResultHeaders.ofLast("whatif-2", List.of("oracle"), "costs-2"));
    send(P0, steady(STATIC, "a", "h1", 0, S, 7).build(), ResultHeaders.of("whatif-1"));
    send(
        P0,
        steady(STATIC, "a", "h1", 0, S, 70).setLast(true).build(),
        ResultHeaders.of("whatif-2"));
    send(P1, steady(STATIC, "a", "h1", 0, S, 7).build(), new RecordHeaders());
    send(
        P0,
        steady(STATIC, "a", "h1", S, 2 * S, 7).setLast(true).build(),
        ResultHeaders.ofLast("whatif-1", List.of(COIOMMU, STATIC), "costs-1"));

    RunSummary s =
        ResultsConsumer.consumeApplication(
            consumer, "whatif-1", Set.of("a"), Duration.ofMinutes(1), new RunSummary());

    assertThat(s.scenarios()).extracting(ScenarioRun::scenario).containsExactly(COIOMMU, STATIC);
    assertThat(s.costModel()).isEqualTo("costs-1");
    assertThat(s.records()).isEqualTo(3);
    assertThat(s.scenario(STATIC).vm("a").durationNs()).isEqualTo(2 * S);
    assertThat(s.scenario(STATIC).fleet().peakPinnedBytes()).isEqualTo(7 * 4096);
  }

  @Test
  void anApplicationWithoutResultsTimesOutNamingIt() {
    send(
        P0,
        steady(COIOMMU, "a", "h1", 0, S, 1).setLast(true).build(),
        ResultHeaders.ofLast("whatif-1", List.of(COIOMMU), "costs-1"));
    assertThatThrownBy(
            () ->
                ResultsConsumer.consumeApplication(
                    consumer, "whatif-3", Set.of("a"), Duration.ofMillis(300), new RunSummary()))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("whatif-3");
  }

  @Test
  void stepsOverAnUndecodableRecordAndKeepsIt() throws Exception {
    send(P0, steady(STATIC, "a", "h1", 0, S, 10).build());
    offset++; // the undecodable record sits at offset 1
    consumer.schedulePollTask(
        () ->
            consumer.setPollException(
                new RecordDeserializationException(
                    RecordDeserializationException.DeserializationExceptionOrigin.VALUE,
                    P0,
                    1,
                    0L,
                    TimestampType.CREATE_TIME,
                    ByteBuffer.allocate(0),
                    ByteBuffer.allocate(0),
                    new RecordHeaders(),
                    "bad fingerprint",
                    null)));
    send(P0, steady(STATIC, "a", "h1", S, 2 * S, 10).setLast(true).build());

    RunSummary s =
        ResultsConsumer.consume(
            consumer, Set.of("a"), 1, Duration.ofMinutes(1), new RunSummary(), r -> {});

    assertThat(s.complete(Set.of("a"), 1)).isTrue();
    assertThat(s.undecodable())
        .singleElement()
        .asString()
        .contains("coiommu.window-results-0@1", "bad fingerprint");
    assertThat(s.scenario(STATIC).vm("a").records()).isEqualTo(2);
  }

  @Test
  void timesOutNamingWhatIsMissing() {
    send(P0, steady(STATIC, "a", "h1", 0, S, 10).build());

    assertThatThrownBy(
            () ->
                ResultsConsumer.consume(
                    consumer, Set.of("a"), 1, Duration.ofMillis(300), new RunSummary(), r -> {}))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("missing last record of [static / a]");
  }

  @Test
  void followsUntilToldToStop() {
    send(P0, steady(STATIC, "a", "h1", 0, S, 10).build());
    send(P1, steady(STATIC, "b", "h1", 0, S, 10).build());
    RunSummary s = new RunSummary();
    List<WindowResult> seen = new ArrayList<>();

    ResultsConsumer.follow(consumer, s, seen::add, () -> seen.size() >= 2);

    assertThat(s.records()).isEqualTo(2);
    assertThat(s.complete(Set.of("a", "b"), 1))
        .as("no last record yet: following does not need one")
        .isFalse();
  }

  @Test
  void neverJoinsAGroupNorCommits() {
    java.util.Properties given = new java.util.Properties();
    given.put("bootstrap.servers", "127.0.0.1:1");
    given.put("group.id", "someone-else");
    java.util.Properties props = ResultsConsumer.consumerProps(given);
    assertThat(props)
        .doesNotContainKey("group.id")
        .containsEntry("enable.auto.commit", "false")
        .containsEntry("auto.offset.reset", "earliest")
        .containsEntry("allow.auto.create.topics", "false")
        .containsEntry("bootstrap.servers", "127.0.0.1:1");
  }
}
