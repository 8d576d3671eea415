package io.coiommu.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coiommu.producer.VmEvent;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import io.coiommu.schema.WindowResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The arithmetic and parsing behind the bench's figures, without a broker. */
class BenchFiguresTest {

  @Test
  void theGeneratorsWarmUpEndsWithADrainThatNeitherTheJitNorTheKernelSlowed() {
    long second = 1_000_000_000L;
    // A fresh JVM's first drain of the 1,000-VM fleet: the JIT compiling a third of the time, a
    // fifth of the thread's CPU in the kernel (first touches of a growing heap).
    assertThat(GeneratorThroughput.settled(7 * second, 6 * second, 1_250_000_000L, 2_300))
        .isFalse();
    // The JIT done, the heap still growing.
    assertThat(GeneratorThroughput.settled(5 * second, 5 * second, 800_000_000L, 100)).isFalse();
    // The heap grown, the JIT still at it.
    assertThat(GeneratorThroughput.settled(3 * second, 3 * second, 0, 300)).isFalse();
    assertThat(GeneratorThroughput.settled(3 * second, 3 * second, 10_000_000L, 60)).isTrue();
    // Where the JVM counts neither, the first drain ends the warm-up.
    assertThat(GeneratorThroughput.settled(3 * second, 3 * second, 0, 0)).isTrue();
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertThat(Figures.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(Figures.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
  }

  @Test
  void verdictSaysByHowMuchATargetIsMissed() {
    assertThat(Target.END_TO_END.verdict(2_500_000)).isEqualTo("met");
    assertThat(Target.END_TO_END.verdict(500_000)).isEqualTo("missed by 75%");
    assertThat(Target.HEAP_PER_PAGE.verdict(16)).isEqualTo("met");
    assertThat(Target.HEAP_PER_PAGE.verdict(24)).isEqualTo("missed by 50%");
  }

  @Test
  void producerPerformanceTotalIsItsLastSummaryLine() {
    List<String> output =
        List.of(
            "489401 records sent, 97860.6 records/sec (9.33 MB/sec), 1.7 ms avg latency, 301.0 ms max latency.",
            "1000000 records sent, 123456.7 records/sec (11.77 MB/sec), 2.10 ms avg latency, 301.00 ms max latency, "
                + "1 ms 50th, 3 ms 95th, 20 ms 99th, 40 ms 99.9th.");
    assertThat(ProducerPerformanceBench.parseTotal(output)).isEqualTo(123456.7);
    assertThatThrownBy(() -> ProducerPerformanceBench.parseTotal(List.of("ERROR no broker")))
        .hasMessageContaining("ERROR no broker");
  }

  @Test
  void eachEventGetsOneLatencyFromTheFirstResultCoveringIt() {
    List<VmEvent> events =
        List.of(event("a", 0), event("b", 0), event("a", 500), event("a", 1500), event("b", 2500));
    WindowLatency latency = new WindowLatency(events);
    for (int i = 0; i < events.size(); i++) {
      latency.produced(i);
    }
    latency.received(result("a", 0, 1000, false), System.nanoTime());
    assertThat(latency.count()).as("a's events at 0 and 500").isEqualTo(2);
    latency.received(result("a", 0, 1000, false), System.nanoTime());
    assertThat(latency.count()).as("a second scenario's record of the same span").isEqualTo(2);
    latency.received(result("b", 0, 1000, false), System.nanoTime());
    assertThat(latency.count()).isEqualTo(3);
    latency.received(result("a", 1000, 2000, true), System.nanoTime());
    latency.received(result("b", 1000, 2000, true), System.nanoTime());
    assertThat(latency.count()).as("the last records cover everything left").isEqualTo(5);
    assertThat(latency.seconds(100)).isBetween(0.0, 60.0);
  }

  @Test
  void heapCountsEveryPageMappedAtLeastOnce() {
    TraceEvent.Builder map =
        TraceEvent.newBuilder().setType(EventType.DMA_MAP).setTsNs(0).setDevice("d");
    List<VmEvent> events =
        List.of(
            new VmEvent("a", map.setIova(0).setGpa(0x1000L).setBytes(8192).build()),
            new VmEvent("a", map.setIova(0x9000).setGpa(0x2000L).setBytes(100).build()),
            new VmEvent("b", map.setIova(0).setGpa(0x1000L).setBytes(1).build()));
    assertThat(HeapPerPage.trackedPages(events)).as("pages 1 and 2 of a, page 1 of b").isEqualTo(3);
    assertThat(HeapPerPage.mapDistinctPages(10)).hasSize(11);
  }

  @Test
  void liveBytesAreTheClassHistogramsTotal() {
    String histogram =
        String.join(
            "\n",
            " num     #instances         #bytes  class name (module)",
            "-------------------------------------------------------",
            "   1:         61021       12345678  [B (java.base@17.0.15)",
            "   2:          1003         160480  java.lang.String (java.base@17.0.15)",
            "Total         62024       12506158",
            "");
    assertThat(LiveHeap.histogramTotalBytes(histogram)).isEqualTo(12_506_158L);
    assertThatThrownBy(() -> LiveHeap.histogramTotalBytes("no such command"))
        .hasMessageContaining("no Total line")
        .hasMessageContaining("no such command");
  }

  /**
   * What is kept reachable between two readings is counted by its own size, whatever regions G1
   * gave it: an array of 3 MiB is humongous (more than half of a 4 MiB region) and took a whole
   * region of the used heap, 4 MiB, which this bound excludes.
   */
  @Test
  void liveBytesGrowByWhatIsKeptReachable() {
    long before = LiveHeap.bytes();
    long[] kept = new long[3 << 17];
    long after = LiveHeap.bytes();
    java.lang.ref.Reference.reachabilityFence(kept);
    assertThat(after - before)
        .as("3 MiB and a header, give or take what the JVM's own threads keep meanwhile")
        .isBetween((3L << 20) - (256 << 10), (3L << 20) + (256 << 10));
  }

  private static VmEvent event(String vm, long ts) {
    return new VmEvent(
        vm,
        TraceEvent.newBuilder()
            .setType(EventType.DMA_ACCESS)
            .setTsNs(ts)
            .setDevice("d")
            .setGpa(0L)
            .setBytes(1)
            .build());
  }

  private static WindowResult result(String vm, long start, long end, boolean last) {
    return WindowResult.newBuilder()
        .setScenario("oracle")
        .setVm(vm)
        .setWindowStartNs(start)
        .setWindowEndNs(end)
        .setLast(last)
        .build();
  }
}
