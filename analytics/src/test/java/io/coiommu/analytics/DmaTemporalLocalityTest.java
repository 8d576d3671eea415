package io.coiommu.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventType;
import io.coiommu.schema.Topics;
import io.coiommu.schema.TraceEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class DmaTemporalLocalityTest {

  static final long MS = 1_000_000L;

  /** A fleet large enough that each VM's share is the smallest. */
  static final int VMS = 10_000;

  static TraceEvent event(EventType type, long ts, long iova, Long gpa, long bytes) {
    return TraceEvent.newBuilder()
        .setType(type)
        .setTsNs(ts)
        .setDevice("0000:03:00.0")
        .setIova(iova)
        .setGpa(gpa)
        .setBytes(bytes)
        .build();
  }

  /**
   * Pages 16 and 17 (gpa 0x10000, 8 KiB) mapped at 0; page 17 mapped again at 1 ms; the first
   * mapping goes at 2 ms (by iova only), so page 16 is unmapped at 2 ms and page 17 still mapped;
   * the second goes at 5 ms. Page 16 comes back at 7 ms (gap 5 ms), page 17 at 105 ms (gap 100 ms).
   */
  static List<TraceEvent> vm1() {
    return List.of(
        event(EventType.DMA_MAP, 0, 0x1000, 0x10000L, 8192),
        event(EventType.DMA_MAP, MS, 0x5000, 0x11000L, 4096),
        event(EventType.DMA_UNMAP, 2 * MS, 0x1000, null, 8192),
        event(EventType.DMA_UNMAP, 5 * MS, 0x5000, null, 4096),
        event(EventType.DMA_MAP, 7 * MS, 0x2000, 0x10000L, 4096),
        event(EventType.DMA_MAP, 105 * MS, 0x6000, 0x11000L, 100),
        event(EventType.DMA_UNMAP, 106 * MS, 0x9999, null, 4096),
        event(EventType.DMA_UNMAP, 107 * MS, 0x2000, null, 4096),
        event(EventType.VM_STOP, 108 * MS, 0, null, 0));
  }

  @Test
  void measuresTheTimeFromAPagesLastUnmapToItsNextMap() {
    DmaTemporalLocality l = new DmaTemporalLocality(VMS);
    // Another VM with the same addresses, interleaved, must not disturb vm1's pages.
    List<TraceEvent> other =
        List.of(
            event(EventType.DMA_MAP, 3 * MS, 0x1000, 0x10000L, 4096),
            event(EventType.DMA_UNMAP, 4 * MS, 0x1000, null, 4096));
    List<TraceEvent> mine = vm1();
    for (int i = 0; i < mine.size(); i++) {
      l.accept("vm1", mine.get(i));
      if (i < other.size()) {
        l.accept("vm2", other.get(i));
      }
    }

    assertThat(l.remaps()).isEqualTo(2);
    assertThat(l.shareWithin(MS)).isZero();
    assertThat(l.shareWithin(10 * MS)).isEqualTo(0.5);
    assertThat(l.shareWithin(100 * MS)).isEqualTo(1.0);
    assertThat((double) l.gapAtPercentileNs(50)).isCloseTo(5 * MS, within(0.001 * 5 * MS));
    assertThat((double) l.maxGapNs()).isCloseTo(100 * MS, within(0.001 * 100 * MS));
    assertThat(l.unresolvedUnmaps()).isEqualTo(1);
    assertThat(l.neverRemapped()).as("page 16, unmapped at 107 ms").isEqualTo(1);
    assertThat(l.pageSampleRate()).as("few pages: every one followed").isEqualTo(1.0);
    assertThat(l.cdfSteps())
        .last()
        .satisfies(
            step -> {
              assertThat(step.ns()).isEqualTo(100 * MS);
              assertThat(step.share()).isEqualTo(1.0);
            });
    assertThat(l.cdfSteps())
        .filteredOn(step -> step.ns() == 5 * MS)
        .singleElement()
        .extracting(DmaTemporalLocality.CdfStep::share)
        .isEqualTo(0.5);
  }

  /**
   * A VM streams 60,000 distinct pages (page cache of a large file): each is mapped, unmapped, and
   * mapped again 1 ms later (even pages) or 100 ms later (odd pages); a quarter of them never come
   * back. Following every page would keep 60,000 entries; the VM keeps at most {@link
   * DmaTemporalLocality#MIN_PAGES_PER_VM}, its share in a 10,000-VM trace, and estimates the rest.
   */
  static List<TraceEvent> streaming(int pages) {
    List<TraceEvent> events = new java.util.ArrayList<>();
    long t = 0;
    for (int p = 0; p < pages; p++) {
      long gpa = (long) p << 12;
      long iova = 0x100000L + ((long) p << 12);
      events.add(event(EventType.DMA_MAP, t, iova, gpa, 4096));
      events.add(event(EventType.DMA_UNMAP, t + 1, iova, null, 4096));
      t += 2;
    }
    long again = t + 200 * MS;
    for (int p = 0; p < pages * 3 / 4; p++) {
      long gap = p % 2 == 0 ? MS : 100 * MS;
      // Remaps in time order: the 1 ms ones right after their unmap, shifted as the unmaps were.
      long ts = (p % 2 == 0 ? 2L * p + 1 : again + 2L * p) + gap;
      events.add(event(EventType.DMA_MAP, ts, 0x9_0000_0000L + p, (long) p << 12, 4096));
    }
    events.sort(java.util.Comparator.comparingLong(TraceEvent::getTsNs));
    return events;
  }

  @Test
  void aVmWithMorePagesThanItsShareIsMeasuredOnASampleOfThem() {
    int pages = 60_000;
    DmaTemporalLocality l = new DmaTemporalLocality(VMS);
    streaming(pages).forEach(e -> l.accept("vm1", e));
    l.end("vm1");

    assertThat(l.pageSampleRate()).isLessThan(1.0).isGreaterThan(1.0 / 64);
    assertThat((double) l.remaps()).isCloseTo(pages * 3 / 4.0, within(0.1 * pages * 3 / 4));
    assertThat(l.shareWithin(10 * MS)).isCloseTo(0.5, within(0.05));
    assertThat(l.neverRemapped()).isCloseTo(pages / 4, within((long) (0.15 * pages / 4)));
  }

  @Test
  void theSampleOfAVmDoesNotDependOnOtherVmsInterleaved() {
    List<TraceEvent> mine = streaming(20_000);
    DmaTemporalLocality alone = new DmaTemporalLocality(VMS);
    mine.forEach(e -> alone.accept("vm1", e));
    DmaTemporalLocality interleaved = new DmaTemporalLocality(VMS);
    List<TraceEvent> other = streaming(30_000);
    for (int i = 0; i < other.size(); i++) {
      if (i < mine.size()) {
        interleaved.accept("vm1", mine.get(i));
      }
      interleaved.accept("vm2", other.get(i));
    }
    interleaved.end("vm2");
    DmaTemporalLocality vm2 = new DmaTemporalLocality(VMS);
    other.forEach(e -> vm2.accept("vm2", e));

    assertThat(interleaved.remaps()).isEqualTo(alone.remaps() + vm2.remaps());
    assertThat(interleaved.maxGapNs()).isEqualTo(Math.max(alone.maxGapNs(), vm2.maxGapNs()));
  }

  @Test
  void readsTheTraceTopicToItsEnd() throws Exception {
    TopicPartition p0 = new TopicPartition(Topics.TRACE_EVENTS, 0);
    MockConsumer<String, EventColumns> consumer = new MockConsumer<>("earliest");
    consumer.updatePartitions(
        Topics.TRACE_EVENTS,
        List.of(
            new PartitionInfo(
                Topics.TRACE_EVENTS, 0, new Node(0, "localhost", 9092), new Node[0], new Node[0])));
    consumer.updateBeginningOffsets(Map.of(p0, 0L));
    consumer.updateEndOffsets(Map.of(p0, 2L));
    List<TraceEvent> events = vm1();
    consumer.schedulePollTask(
        () -> {
          consumer.addRecord(
              new ConsumerRecord<>(
                  Topics.TRACE_EVENTS,
                  0,
                  0,
                  "vm1",
                  EventColumns.of(EventColumns.encode("vm1", 0L, events.subList(0, 4)))));
          consumer.addRecord(
              new ConsumerRecord<>(
                  Topics.TRACE_EVENTS,
                  0,
                  1,
                  "vm1",
                  EventColumns.of(
                      EventColumns.encode("vm1", 1L, events.subList(4, events.size())))));
        });

    DmaTemporalLocality l =
        TraceReader.read(consumer, Duration.ofMinutes(1), Map.of(), 1).locality();

    assertThat(l.remaps()).isEqualTo(2);
    assertThat(l.neverRemapped()).isEqualTo(1);
  }

  @Test
  void theReportCarriesIt() {
    RunSummary s = new RunSummary();
    s.add(Results.steady(Results.STATIC, "vm1", "h1", 0, Results.S, 1).setLast(true).build());
    assertThat(SummaryJson.of(s).has("dma_temporal_locality")).isFalse();
    DmaTemporalLocality l = new DmaTemporalLocality(VMS);
    vm1().forEach(e -> l.accept("vm1", e));
    s.setTemporalLocality(l);
    var json = SummaryJson.of(s).get("dma_temporal_locality");
    assertThat(json.get("remaps").asLong()).isEqualTo(2);
    assertThat(json.get("p50_ms").asDouble()).isCloseTo(5.0, within(0.01));
    assertThat(json.get("cdf_ms")).hasSameSizeAs(json.get("cdf_share"));
    assertThat(json.get("page_sample_rate").asDouble()).isEqualTo(1.0);
  }
}
