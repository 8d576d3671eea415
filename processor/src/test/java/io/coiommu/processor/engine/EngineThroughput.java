package io.coiommu.processor.engine;

import io.coiommu.schema.Anomaly;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import io.coiommu.schema.WindowResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A rough measuring tool, not a test (speed and heap do not belong in unit tests). From the
 * repository root:
 *
 * <pre>
 * mvn -B -q -pl processor -am test-compile
 * mvn -B -q -pl schemas dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * CP=schemas/target/classes:processor/target/classes:processor/target/test-classes:$(cat /tmp/cp.txt)
 * java -Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.coiommu.schema -cp $CP \
 *     io.coiommu.processor.engine.EngineThroughput speed defaults 30
 * java -Xmx3g -Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.coiommu.schema -cp $CP \
 *     io.coiommu.processor.engine.EngineThroughput heap coiommu:unpin=lru,interval=10s,limit=8192 2000000
 * </pre>
 *
 * {@code speed SPEC SECONDS}: events per second over the NIC-like workload at 50k packets/s each
 * way, best of 5 runs ({@code defaults} for the default set). {@code heap SPEC PAGES}: heap growth
 * per mapped page after mapping PAGES distinct pages one call each (it includes the VM-level iova
 * table and map counts; compare with {@code oracle}).
 */
public final class EngineThroughput {

  private static final EmulationSink DISCARD =
      new EmulationSink() {
        @Override
        public void window(WindowResult r) {}

        @Override
        public void anomaly(Anomaly a) {}
      };

  private EngineThroughput() {}

  public static void main(String[] args) {
    List<Scenario> scenarios =
        ScenarioSpec.parse(args[1].equals("defaults") ? ScenarioSpec.DEFAULTS : args[1]);
    if (args[0].equals("speed")) {
      speed(scenarios, Long.parseLong(args[2]));
    } else {
      heap(scenarios, Integer.parseInt(args[2]));
    }
  }

  private static void speed(List<Scenario> scenarios, long seconds) {
    List<TraceEvent> events = new ArrayList<>();
    new NicLikeWorkload(8L << 30, seconds * 1_000_000_000L, 50_000).play(events::add);
    double best = 0;
    for (int run = 0; run < 5; run++) {
      long t0 = System.nanoTime();
      VmEmulator emu = new VmEmulator("vm", scenarios, EngineConfig.defaults());
      for (TraceEvent e : events) {
        emu.onEvent(e, DISCARD);
      }
      emu.finish(DISCARD);
      best = Math.max(best, events.size() / ((System.nanoTime() - t0) / 1e9));
    }
    System.out.printf(
        Locale.ROOT,
        "%d scenarios, %d events: %.2f M events/s, %.2f M scenario-events/s%n",
        scenarios.size(),
        events.size(),
        best / 1e6,
        best * scenarios.size() / 1e6);
  }

  private static void heap(List<Scenario> scenarios, int pages) {
    TraceEvent.Builder map =
        TraceEvent.newBuilder().setType(EventType.DMA_MAP).setTsNs(0).setDevice("d").setBytes(4096);
    long before = usedHeap();
    VmEmulator emu = new VmEmulator("vm", scenarios, EngineConfig.defaults());
    emu.onEvent(
        TraceEvent.newBuilder()
            .setType(EventType.VM_START)
            .setTsNs(0)
            .setGuestMemoryBytes(1L << 40)
            .build(),
        DISCARD);
    for (int i = 0; i < pages; i++) {
      long gpa = i * 3L * 4096;
      emu.onEvent(map.setIova(gpa).setGpa(gpa).setCallId(i + 1).setTsNs(i).build(), DISCARD);
    }
    long grown = usedHeap() - before;
    System.out.printf(
        Locale.ROOT,
        "%d scenarios, %d mapped pages: %.1f heap bytes per page (%d mapped)%n",
        scenarios.size(),
        pages,
        grown / (double) pages,
        emu.mappedPages());
  }

  private static long usedHeap() {
    Runtime r = Runtime.getRuntime();
    for (int i = 0; i < 5; i++) {
      System.gc();
    }
    return r.totalMemory() - r.freeMemory();
  }
}
