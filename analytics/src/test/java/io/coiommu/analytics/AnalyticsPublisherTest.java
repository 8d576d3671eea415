package io.coiommu.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.coiommu.analytics.schema.GroupLevel;
import io.coiommu.analytics.schema.GroupSummary;
import io.coiommu.analytics.schema.GroupWindow;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class AnalyticsPublisherTest {

  static final String LRU = "coiommu:unpin=lru,interval=10s,limit=8192,gen=10";

  @Test
  void publishesHostAndFleetWindowsAndSummariesThatDecodeBack() throws Exception {
    RunSummary s = SyntheticRun.summary();
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

    int sent = AnalyticsPublisher.publish(s, producer);

    List<ProducerRecord<String, byte[]>> records = producer.history();
    assertThat(records).hasSize(sent);
    var windowSerde = AnalyticsSchemas.groupWindowSerde();
    var summarySerde = AnalyticsSchemas.groupSummarySerde();
    List<GroupWindow> windows =
        records.stream()
            .filter(r -> r.topic().equals(AnalyticsTopics.GROUP_WINDOWS))
            .map(r -> windowSerde.deserialize(r.topic(), r.value()))
            .toList();
    List<GroupSummary> summaries =
        records.stream()
            .filter(r -> r.topic().equals(AnalyticsTopics.GROUP_SUMMARIES))
            .map(r -> summarySerde.deserialize(r.topic(), r.value()))
            .toList();
    // 5 scenarios x (fleet + 2 hosts)
    assertThat(summaries).hasSize(15);
    assertThat(records)
        .allMatch(
            r ->
                r.key()
                    .equals(
                        r.topic().equals(AnalyticsTopics.GROUP_WINDOWS)
                            ? windowSerde.deserialize(r.topic(), r.value()).getScenario()
                            : summarySerde.deserialize(r.topic(), r.value()).getScenario()));

    VmGroup fleet = s.scenario(LRU).fleet();
    GroupSummary f =
        summaries.stream()
            .filter(g -> g.getScenario().equals(LRU) && g.getLevel() == GroupLevel.FLEET)
            .findFirst()
            .orElseThrow();
    assertThat(f.getName()).isEqualTo("fleet");
    assertThat(f.getVms()).isEqualTo(4);
    assertThat(f.getComplete()).isTrue();
    assertThat(f.getPeakPinnedBytes()).isEqualTo(fleet.peakPinnedBytes());
    assertThat(f.getNotifications()).isEqualTo(fleet.total(WindowMetric.NOTIFICATIONS));
    assertThat(f.getNotificationsPerS())
        .isCloseTo(fleet.perSecond(WindowMetric.NOTIFICATIONS), within(1e-3));
    assertThat(f.getDistributions().get("peak_pinned_bytes").getMax())
        .isEqualTo(
            (double) fleet.vms().stream().mapToLong(VmRun::peakPinnedBytes).max().orElseThrow());

    List<GroupWindow> fleetWindows =
        windows.stream()
            .filter(w -> w.getScenario().equals(LRU) && w.getLevel() == GroupLevel.FLEET)
            .toList();
    assertThat(fleetWindows).hasSize(60);
    assertThat(fleetWindows.stream().mapToLong(GroupWindow::getNotifications).sum())
        .isEqualTo(fleet.total(WindowMetric.NOTIFICATIONS));
    assertThat(fleetWindows.stream().mapToLong(GroupWindow::getPeakPinnedBytes).max().orElseThrow())
        .isEqualTo(fleet.peakPinnedBytes());
    GroupWindow w10 = fleetWindows.get(10);
    assertThat(w10.getWindowStartNs()).isEqualTo(10 * Results.S);
    assertThat(w10.getLiveVms()).isEqualTo(4);
    assertThat(w10.getReclaimableBytes()).isEqualTo(w10.getGuestBytes() - w10.getPinnedBytes());
  }

  @Test
  void everyColumnHasItsField() {
    assertThat(WindowColumn.ALL)
        .allSatisfy(
            c ->
                assertThat(
                        GroupWindow.getClassSchema().getField(AnalyticsRecords.camelCase(c.name())))
                    .as(c.name())
                    .isNotNull());
    assertThat(GroupColumn.ALL)
        .allSatisfy(
            c ->
                assertThat(
                        GroupSummary.getClassSchema()
                            .getField(AnalyticsRecords.camelCase(c.name())))
                    .as(c.name())
                    .isNotNull());
  }
}
