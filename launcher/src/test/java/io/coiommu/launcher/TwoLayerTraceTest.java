package io.coiommu.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.processor.engine.EmulationSink;
import io.coiommu.processor.engine.EngineConfig;
import io.coiommu.processor.engine.Scenario;
import io.coiommu.processor.engine.ScenarioSpec;
import io.coiommu.processor.engine.VmEmulator;
import io.coiommu.producer.EndOfTrace;
import io.coiommu.producer.RejectPolicy;
import io.coiommu.producer.RejectStats;
import io.coiommu.producer.TraceFiles;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.VmIdentity;
import io.coiommu.schema.Anomaly;
import io.coiommu.schema.WindowResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: a trace written in both kernel layers (dma: and iommu:, in the order dma-iommu.c emits
 * them) gives every scenario the same peak pinned memory and notifications as the same trace with
 * only its dma: lines, and as the same trace with only its iommu: lines. The engine is driven
 * directly, on the events the ftrace reader produces.
 */
class TwoLayerTraceTest {

  private static final VmIdentity GUEST = new VmIdentity("g", "h", 1L << 30);
  private static final List<Scenario> SCENARIOS = ScenarioSpec.parse(ScenarioSpec.DEFAULTS);

  @TempDir Path dir;

  /** One line of a trace: its time in microseconds, its layer, its text after the event name. */
  private record Line(long micros, boolean iommu, String event) {}

  /** Per scenario: peak pinned pages and notifications; and the anomalies. */
  private record Figures(Map<String, List<Long>> byScenario, long anomalies, RejectStats stats) {}

  @Test
  void randomTwoLayerTracesGiveTheFiguresOfEachLayerAlone() throws IOException {
    for (long seed = 1; seed <= 40; seed++) {
      List<Line> trace = randomTrace(new Random(seed));
      Figures both = figures(trace, true, true);
      Figures dmaOnly = figures(trace, true, false);
      Figures iommuOnly = figures(trace, false, true);
      assertThat(both.byScenario())
          .as("seed %d, both layers vs dma: only", seed)
          .isEqualTo(dmaOnly.byScenario());
      assertThat(both.byScenario())
          .as("seed %d, both layers vs iommu: only", seed)
          .isEqualTo(iommuOnly.byScenario());
      assertThat(both.anomalies()).as("seed %d", seed).isZero();
      assertThat(dmaOnly.anomalies() + iommuOnly.anomalies()).isZero();
      assertThat(both.stats().underDmaApi()).isEqualTo(trace.stream().filter(Line::iommu).count());
      // Something was pinned and notified: the comparison is not between empty results.
      assertThat(both.byScenario().get("viommu-strict").get(1)).isPositive();
    }
  }

  @Test
  void theAth12kTraceOfLinux612IsOneBufferOfHalfAMebibyteOneMapCallAndOneUnmapCall()
      throws IOException {
    // Its lines as posted (producer test resources real/ath12k-6.12-dma-iommu.txt, SOURCES.md
    // there).
    Path file = dir.resolve("ath12k.txt");
    Files.write(
        file,
        List.of(
            "   (udev-worker)-532     [010] .....     4.878076: map: IOMMU: iova=0x00000000fe980000 - 0x00000000fea00000 "
                + "paddr=0x000000010ec80000 size=524288",
            "   (udev-worker)-532     [010] .....     4.878079: dma_alloc: 0000:c2:00.0 dma_addr=fe980000 size=524288 "
                + "virt_addr=000000006cadbcb1 flags=GFP_KERNEL attrs=",
            "   kworker/u64:0-12      [011] .....   327.747763: dma_free: 0000:c2:00.0 dma_addr=fe980000 size=524288 "
                + "virt_addr=000000006cadbcb1 attrs=",
            "   kworker/u64:0-12      [011] .....   327.747766: unmap: IOMMU: iova=0x00000000fe980000 - 0x00000000fea00000 "
                + "size=524288 unmapped_size=524288"));
    Figures f = figures(file);
    // 128 pages of 4 KiB = 512 KiB at the peak; one map call and one unmap call.
    assertThat(f.byScenario().get("viommu-strict")).containsExactly(128L, 2L);
    assertThat(f.byScenario().get("oracle").get(0)).isEqualTo(128L);
    assertThat(f.anomalies()).isZero();
  }

  private Figures figures(List<Line> trace, boolean dma, boolean iommu) throws IOException {
    List<String> text = new ArrayList<>();
    for (Line l : trace) {
      if (l.iommu() ? iommu : dma) {
        text.add(
            String.format(
                "  kworker/u16:2-123   [002] .....  %d.%06d: %s",
                l.micros() / 1_000_000, l.micros() % 1_000_000, l.event()));
      }
    }
    Path file = dir.resolve("t-" + System.nanoTime() + ".txt");
    Files.write(file, text);
    return figures(file);
  }

  private Figures figures(Path file) throws IOException {
    VmEmulator emulator = new VmEmulator(GUEST.vm(), SCENARIOS, EngineConfig.defaults());
    Map<String, List<Long>> byScenario = new TreeMap<>();
    long[] anomalies = {0};
    EmulationSink sink =
        new EmulationSink() {
          @Override
          public void window(WindowResult r) {
            String scenario =
                r.getScenario().split(":")[0]
                    + (r.getScenario().contains("smart=off")
                        ? " smart=off"
                        : r.getScenario().contains("lazy=off") ? " lazy=off" : "");
            List<Long> f =
                byScenario.computeIfAbsent(scenario, s -> new ArrayList<>(List.of(0L, 0L)));
            f.set(0, Math.max(f.get(0), r.getPeakPinnedPages()));
            f.set(1, f.get(1) + r.getNotifications());
          }

          @Override
          public void anomaly(Anomaly a) {
            anomalies[0]++;
          }
        };
    RejectStats stats;
    try (TraceSource source =
        EndOfTrace.stopOpenVms(TraceFiles.open(file, "ftrace", GUEST, RejectPolicy.STRICT))) {
      source.forEachRemaining(e -> emulator.onEvent(e.event(), sink));
      stats = source.rejects();
    }
    emulator.finish(sink);
    return new Figures(byScenario, anomalies[0], stats);
  }

  /**
   * Buffers of three kinds (dma_map_page at an offset, dma_alloc, dma_map_sg of contiguous pages),
   * each mapped and unmapped once at distinct times over 3 s, their pages often shared, each
   * written in both layers.
   */
  private static List<Line> randomTrace(Random r) {
    int buffers = 5 + r.nextInt(60);
    TreeSet<Long> used = new TreeSet<>();
    TreeMap<Long, List<Line>> calls = new TreeMap<>();
    long nextIova = 0x10000000L;
    for (int b = 0; b < buffers; b++) {
      long iova = nextIova;
      nextIova += 0x100000L;
      long mapAt = slot(r, used, 0);
      long unmapAt = slot(r, used, mapAt);
      int kind = r.nextInt(3);
      String dev = "0000:00:0" + (4 + r.nextInt(2)) + ".0";
      if (kind == 0) {
        long pfn = 0x100 + r.nextInt(64);
        int offset = r.nextInt(4096);
        int size = 1 + r.nextInt(3 * 4096);
        long pages = (offset + size + 4095) / 4096;
        calls.put(
            mapAt,
            List.of(
                new Line(mapAt, true, iommuMap(iova, pfn << 12, pages * 4096)),
                new Line(
                    mapAt + 1,
                    false,
                    String.format(
                        "dma_map_page: %s dir=FROM_DEVICE dma_addr=%x size=%d "
                            + "phys_addr=%x attrs=",
                        dev, iova + offset, size, (pfn << 12) + offset))));
        calls.put(
            unmapAt,
            List.of(
                new Line(unmapAt, true, iommuUnmap(iova, pages * 4096)),
                new Line(
                    unmapAt + 1,
                    false,
                    String.format(
                        "dma_unmap_page: %s dir=FROM_DEVICE dma_addr=%x size=%d " + "attrs=",
                        dev, iova + offset, size))));
      } else if (kind == 1) {
        long pfn = 0x100 + r.nextInt(64);
        long size = (1 + r.nextInt(8)) * 4096L;
        calls.put(
            mapAt,
            List.of(
                new Line(mapAt, true, iommuMap(iova, pfn << 12, size)),
                new Line(
                    mapAt + 1,
                    false,
                    String.format(
                        "dma_alloc: %s dma_addr=%x size=%d phys_addr=%x "
                            + "flags=GFP_KERNEL attrs=",
                        dev, iova, size, pfn << 12))));
        calls.put(
            unmapAt,
            List.of(
                new Line(
                    unmapAt,
                    false,
                    String.format(
                        "dma_free: %s dma_addr=%x size=%d phys_addr=%x attrs=",
                        dev, iova, size, pfn << 12)),
                new Line(unmapAt + 1, true, iommuUnmap(iova, size))));
      } else {
        // Its own pages: dma_unmap_sg names a list by its first physical address.
        long pfn = 0x1000 + 16L * b;
        int entries = 1 + r.nextInt(6);
        StringBuilder phys = new StringBuilder();
        for (int i = 0; i < entries; i++) {
          phys.append(i == 0 ? "" : ",").append("0x").append(Long.toHexString((pfn + i) << 12));
        }
        long size = entries * 4096L;
        calls.put(
            mapAt,
            List.of(
                new Line(mapAt, true, iommuMap(iova, pfn << 12, size)),
                new Line(
                    mapAt + 1,
                    false,
                    String.format(
                        "dma_map_sg: %s dir=TO_DEVICE dma_addrs={0x%x} sizes={0x%x} "
                            + "phys_addrs={%s} attrs=",
                        dev, iova, size, phys))));
        calls.put(
            unmapAt,
            List.of(
                new Line(unmapAt, true, iommuUnmap(iova, size)),
                new Line(
                    unmapAt + 1,
                    false,
                    String.format(
                        "dma_unmap_sg: %s dir=TO_DEVICE phys_addrs={%s} attrs=", dev, phys))));
      }
    }
    List<Line> lines = new ArrayList<>();
    calls.values().forEach(lines::addAll);
    return lines;
  }

  /** A free 10 µs slot of trace time after {@code after}, within 3 s. */
  private static long slot(Random r, TreeSet<Long> used, long after) {
    while (true) {
      long at =
          1_000_000L
              + 10L * (after / 10 + 1 + r.nextInt(300_000 - (int) Math.min(after / 10, 290_000)));
      if (used.add(at)) {
        return at;
      }
    }
  }

  private static String iommuMap(long iova, long paddr, long size) {
    return String.format(
        "map: IOMMU: iova=0x%016x - 0x%016x paddr=0x%016x size=%d", iova, iova + size, paddr, size);
  }

  private static String iommuUnmap(long iova, long size) {
    return String.format(
        "unmap: IOMMU: iova=0x%016x - 0x%016x size=%d unmapped_size=%d",
        iova, iova + size, size, size);
  }
}
