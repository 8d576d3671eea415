package io.coiommu.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.processor.engine.EngineConfig;
import io.coiommu.processor.engine.ScenarioSpec;
import io.coiommu.schema.Anomaly;
import io.coiommu.schema.EventBatch;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventType;
import io.coiommu.schema.KnownSchemas;
import io.coiommu.schema.Topics;
import io.coiommu.schema.TraceEvent;
import io.coiommu.schema.WindowResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmulationTopologyTest {

  private static final long GIB = 1L << 30;
  private static final long MS = 1_000_000L;

  @TempDir Path stateDir;

  private TopologyFixture topology;
  private TestInputTopic<String, EventBatch> trace;
  private TestOutputTopic<String, WindowResult> results;
  private TestOutputTopic<String, Anomaly> anomalies;

  @BeforeEach
  void setUp() {
    ProcessorConfig config =
        new ProcessorConfig(
            ScenarioSpec.parse("static,viommu-strict,coiommu"), EngineConfig.defaults());
    topology = new TopologyFixture(config, "topology-test", stateDir);
    trace = topology.trace;
    results = topology.results;
    anomalies = topology.anomalies;
  }

  @AfterEach
  void tearDown() {
    topology.close();
  }

  private static TraceEvent.Builder event(EventType type, long tsNs) {
    return TraceEvent.newBuilder().setType(type).setTsNs(tsNs);
  }

  /** One VM of 1 GiB maps two pages once, unmaps them and stops 3 s later. */
  private static List<TraceEvent> oneMapOneUnmap() {
    return List.of(
        event(EventType.VM_START, 0).setGuestMemoryBytes(GIB).setHost("h1").build(),
        event(EventType.DMA_MAP, 1 * MS)
            .setDevice("0000:03:00.0")
            .setIova(0x10000)
            .setGpa(0x10000L)
            .setBytes(8192)
            .setCallId(1)
            .build(),
        event(EventType.DMA_UNMAP, 2 * MS)
            .setDevice("0000:03:00.0")
            .setIova(0x10000)
            .setBytes(8192)
            .build(),
        event(EventType.VM_STOP, 3000 * MS).build());
  }

  private Map<String, List<WindowResult>> byScenario() {
    return results.readRecordsToList().stream()
        .peek(r -> assertThat(r.key()).isEqualTo("vm1"))
        .map(r -> r.value())
        .collect(Collectors.groupingBy(WindowResult::getScenario));
  }

  private static long sum(
      List<WindowResult> rs, java.util.function.ToLongFunction<WindowResult> f) {
    return rs.stream().mapToLong(f).sum();
  }

  @Test
  void everyScenarioEmulatesTheVmAndEndsWithALastRecord() {
    trace.pipeInput("vm1", EventColumns.encode("vm1", 0L, oneMapOneUnmap()), 0L);

    Map<String, List<WindowResult>> by = byScenario();
    assertThat(by).hasSize(3);
    by.values()
        .forEach(
            rs -> {
              assertThat(rs.get(rs.size() - 1).getLast()).isTrue();
              assertThat(rs.stream().filter(WindowResult::getLast)).hasSize(1);
              assertThat(sum(rs, WindowResult::getDmaSafetyViolations)).isZero();
              // Contiguous spans from VM_START to VM_STOP.
              assertThat(rs.get(0).getWindowStartNs()).isZero();
              for (int i = 1; i < rs.size(); i++) {
                assertThat(rs.get(i).getWindowStartNs()).isEqualTo(rs.get(i - 1).getWindowEndNs());
              }
            });
    String stat = key(by, "static");
    String strict = key(by, "viommu-strict");
    String coiommu = key(by, "coiommu");
    // static pins all 262144 pages of the 1 GiB guest at VM_START and never exits.
    assertThat(by.get(stat).stream().mapToLong(WindowResult::getPeakPinnedPages).max().getAsLong())
        .isEqualTo(GIB / 4096);
    assertThat(sum(by.get(stat), WindowResult::getExits)).isZero();
    // strict vIOMMU: one exit for the map call, one for the unmap.
    assertThat(sum(by.get(strict), WindowResult::getNotifications)).isEqualTo(2);
    // coIOMMU: the map finds both pages unpinned and notifies once; the unmap is lazy.
    assertThat(sum(by.get(coiommu), WindowResult::getNotifications)).isEqualTo(1);
    assertThat(
            by.get(coiommu).stream().mapToLong(WindowResult::getPeakPinnedPages).max().getAsLong())
        .isEqualTo(2);
  }

  @Test
  void aVersionOneBatchIsEmulatedLikeItsVersionTwoForm() throws Exception {
    // Version 1 and 2 share the positions of vm, seq and events, so the v1 encoder takes today's
    // record.
    EventBatch v1 =
        EventBatch.newBuilder().setVm("vm1").setSeq(0).setEvents(oneMapOneUnmap()).build();
    java.nio.ByteBuffer bytes =
        new org.apache.avro.message.BinaryMessageEncoder<EventBatch>(
                org.apache.avro.specific.SpecificData.getForClass(EventBatch.class),
                KnownSchemas.EVENT_BATCH_V1)
            .encode(v1);
    topology
        .driver
        .createInputTopic(
            Topics.TRACE_EVENTS, Serdes.String().serializer(), Serdes.ByteBuffer().serializer())
        .pipeInput("vm1", bytes, 0L);
    List<WindowResult> fromV1 = results.readValuesToList();

    trace.pipeInput("vm2", EventColumns.encode("vm2", 0L, oneMapOneUnmap()), 0L);
    List<WindowResult> fromV2 = results.readValuesToList();

    assertThat(fromV1).isNotEmpty().hasSameSizeAs(fromV2);
    for (int i = 0; i < fromV1.size(); i++) {
      fromV2.get(i).setVm("vm1");
      assertThat(fromV1.get(i)).isEqualTo(fromV2.get(i));
    }
  }

  @Test
  void aRepeatedBatchIsReportedAndNotAppliedTwice() {
    List<TraceEvent> events = oneMapOneUnmap();
    trace.pipeInput("vm1", EventColumns.encode("vm1", 0L, events.subList(0, 2)), 0L);
    trace.pipeInput("vm1", EventColumns.encode("vm1", 0L, events.subList(0, 2)), 0L);
    trace.pipeInput("vm1", EventColumns.encode("vm1", 1L, events.subList(2, 4)), 0L);

    List<Anomaly> found = anomalies.readValuesToList();
    // The literal, not AnomalyReason's constant: the reason string is the anomaly topic's contract.
    assertThat(found).extracting(Anomaly::getReason).contains("BATCH_REPEATED");
    Map<String, List<WindowResult>> by = byScenario();
    assertThat(sum(by.get(key(by, "viommu-strict")), WindowResult::getNotifications)).isEqualTo(2);
  }

  @Test
  void batchesThatOverlapInPartApplyEachEventOnce() {
    List<TraceEvent> events = oneMapOneUnmap();
    trace.pipeInput("vm1", EventColumns.encode("vm1", 0L, 0L, events), 0L);
    List<WindowResult> whole = results.readValuesToList();
    assertThat(anomalies.readValuesToList()).isEmpty();

    // As a producer killed after event 1 and restarted at another pace would cut them: 0-1, then
    // 0-2, 1-3, 3.
    trace.pipeInput("vm2", EventColumns.encode("vm2", 0L, 0L, events.subList(0, 2)), 0L);
    trace.pipeInput("vm2", EventColumns.encode("vm2", 0L, 0L, events.subList(0, 3)), 0L);
    trace.pipeInput("vm2", EventColumns.encode("vm2", 1L, 1L, events.subList(1, 4)), 0L);
    trace.pipeInput("vm2", EventColumns.encode("vm2", 2L, 3L, events.subList(3, 4)), 0L);
    List<WindowResult> pieces = results.readValuesToList();

    assertThat(pieces).hasSameSizeAs(whole).isNotEmpty();
    for (int i = 0; i < whole.size(); i++) {
      pieces.get(i).setVm("vm1");
      assertThat(pieces.get(i)).isEqualTo(whole.get(i));
    }
    assertThat(anomalies.readValuesToList())
        .extracting(Anomaly::getReason)
        .containsExactly("BATCH_REPEATED", "BATCH_REPEATED", "BATCH_REPEATED");
  }

  @Test
  void missingEventsAreReportedAsAGap() {
    List<TraceEvent> events = oneMapOneUnmap();
    trace.pipeInput("vm1", EventColumns.encode("vm1", 0L, 0L, events.subList(0, 2)), 0L);
    trace.pipeInput("vm1", EventColumns.encode("vm1", 1L, 3L, events.subList(3, 4)), 0L);
    assertThat(anomalies.readValuesToList()).extracting(Anomaly::getReason).contains("BATCH_GAP");
  }

  @Test
  void vmsAreIndependent() {
    trace.pipeInput("vm1", EventColumns.encode("vm1", 0L, oneMapOneUnmap()), 0L);
    List<WindowResult> vm1 = results.readValuesToList();
    List<TraceEvent> vm2 =
        List.of(
            event(EventType.VM_START, 0).setGuestMemoryBytes(2 * GIB).setHost("h2").build(),
            event(EventType.VM_STOP, 5000 * MS).build());
    trace.pipeInput("vm2", EventColumns.encode("vm2", 0L, vm2), 0L);
    trace.pipeInput("vm1", EventColumns.encode("vm1", 0L, oneMapOneUnmap()), 0L);

    List<WindowResult> after = results.readValuesToList();
    assertThat(after).extracting(WindowResult::getVm).contains("vm2");
    // vm1's batch seq 0 again after its VM_STOP is a repeat, whatever vm2 did meanwhile.
    assertThat(after).extracting(WindowResult::getVm).doesNotContain("vm1");
    assertThat(vm1).isNotEmpty();
  }

  @Test
  void anUndecodableRecordDoesNotStopTheVmsProcessing() {
    // Where it goes (the dead-letter topic) is checked on a real broker in DeadLetterTest:
    // TopologyTestDriver does not emit dead-letter records.
    TestInputTopic<String, byte[]> raw =
        topology.driver.createInputTopic(
            Topics.TRACE_EVENTS, Serdes.String().serializer(), Serdes.ByteArray().serializer());
    raw.pipeInput("vm1", "not an avro single-object record".getBytes(StandardCharsets.UTF_8), 0L);
    trace.pipeInput("vm1", EventColumns.encode("vm1", 0L, oneMapOneUnmap()), 0L);

    assertThat(byScenario()).hasSize(3);
  }

  private static String key(Map<String, List<WindowResult>> by, String policy) {
    return by.keySet().stream()
        .filter(s -> s.equals(policy) || s.startsWith(policy + ":"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no results for " + policy + " in " + by.keySet()));
  }
}
