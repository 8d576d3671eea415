package io.coiommu.processor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.Anomaly;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.TraceEvent;
import io.coiommu.schema.WindowResult;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins the engine's exact output: every record and anomaly of each case, hashed, against digests
 * computed with the page-by-page engine before its state went word-level. A faster data structure
 * must not change one bit of any record, including with a snapshot and restore in the middle of the
 * trace.
 */
class GoldenResultsTest {

  private static final EngineConfig CONFIG = EngineConfig.defaults().withWindowNs(250_000_000L);
  private static final String LRU = "coiommu:unpin=lru,interval=1s,limit=8192";

  /** Case name to scenario spec. */
  static final Map<String, String> CASES =
      new TreeMap<>(
          Map.ofEntries(
              Map.entry("defaults", ScenarioSpec.DEFAULTS),
              Map.entry("limit=1", "coiommu:unpin=lru,interval=1s,limit=1"),
              Map.entry("limit=3", "coiommu:unpin=lru,interval=1s,limit=3,gen=2"),
              Map.entry("limit=unlimited", "coiommu:unpin=lru,interval=1s,limit=unlimited"),
              Map.entry("gen=0", LRU + ",gen=0"),
              Map.entry("gen=1", LRU + ",gen=1"),
              Map.entry("gen=3", LRU + ",gen=3"),
              Map.entry("interval=1ms", "coiommu:unpin=lru,interval=1ms,limit=8192"),
              Map.entry("pinahead=4", LRU + ",pinahead=4"),
              Map.entry("unpin=off", "coiommu:unpin=off"),
              Map.entry("smart=off", LRU + ",smart=off"),
              Map.entry("lazy=off", LRU + ",lazy=off"),
              Map.entry("lazy=off,unpin=off", "coiommu:unpin=off,lazy=off"),
              Map.entry("viommu-lazy:queue=2", "viommu-lazy:queue=2,timeout=1ms")));

  /**
   * Digests of the page-by-page engine (commit b2494a5), per trace and case, but for the cases with
   * a lazy=off or a vIOMMU scenario, whose scan cost or VFIO calls changed on purpose since (see
   * {@link #onlyCostAndVfioCallsChanged}).
   */
  private static final Map<String, String> EXPECTED =
      Map.ofEntries(
          Map.entry("gpu/defaults", "856w/1030a/baae00659714212edcd7b8a1"),
          Map.entry("gpu/gen=0", "105w/288a/aec0f7989ca34456121af6e9"),
          Map.entry("gpu/gen=1", "167w/288a/6bec1460241bf6b18c3b17d0"),
          Map.entry("gpu/gen=3", "167w/288a/13362578cf2d9c1c2ab9c6a2"),
          Map.entry("gpu/interval=1ms", "288w/288a/80aae308a3fc01c2e61cfcff"),
          Map.entry("gpu/lazy=off", "167w/288a/013ddea39b69d80a0e06a15a"),
          Map.entry("gpu/lazy=off,unpin=off", "98w/288a/4c501a03b2dfa4a8073783c1"),
          Map.entry("gpu/limit=1", "167w/288a/61a1c27388e2ac83492a1da6"),
          Map.entry("gpu/limit=3", "167w/288a/ebbaa5e5499d14f0e790e1ae"),
          Map.entry("gpu/limit=unlimited", "167w/288a/d08c7c1cf53beea7a22657b2"),
          Map.entry("gpu/pinahead=4", "167w/288a/d96f1e2d7bdf31c4e5d02c19"),
          Map.entry("gpu/smart=off", "167w/288a/06ab4093fafe43fc7feda75c"),
          Map.entry("gpu/unpin=off", "98w/288a/3eeadcbdb576e4263b2be877"),
          Map.entry("gpu/viommu-lazy:queue=2", "98w/288a/e668a4eb8b22dd4d1482744c"),
          Map.entry("small/defaults", "22768w/2492a/a980c6c6820b0d2018256ad5"),
          Map.entry("small/gen=0", "1244w/420a/780138a51b6a1499519bb979"),
          Map.entry("small/gen=1", "18367w/420a/821948f1c461b5fba916d378"),
          Map.entry("small/gen=3", "18369w/420a/8b477f07518b253178a867c8"),
          Map.entry("small/interval=1ms", "35595w/420a/3fdc58c1900393851eaa1838"),
          Map.entry("small/lazy=off", "18377w/420a/e371e4b5245cb8bbae4cd194"),
          Map.entry("small/lazy=off,unpin=off", "1126w/420a/92eeb0d31150fa8f84d2da1d"),
          Map.entry("small/limit=1", "18409w/420a/0fcbc0f2844d1730dbfc0801"),
          Map.entry("small/limit=3", "18369w/420a/9cc1fa87fb06631654061e0e"),
          Map.entry("small/limit=unlimited", "18377w/420a/b3107ffca4d981f19dde2f3b"),
          Map.entry("small/pinahead=4", "18377w/420a/90de888085d0c09c79c64268"),
          Map.entry("small/smart=off", "18377w/420a/3b3726cc45999b5713c6fee4"),
          Map.entry("small/unpin=off", "1126w/420a/5e6eeac76cefc0648c49d190"),
          Map.entry("small/viommu-lazy:queue=2", "1128w/420a/6bd0b936c0dafec7dbeb358b"));

  /**
   * The same digests with cpuCostNs, vfioMaps and vfioUnmaps left out, for the cases that changed
   * since the page-by-page engine: lazy=off keeps one LRU entry per page (its scans visit fewer
   * entries, which only the CPU cost charges), and the vIOMMU policies count VFIO calls per page
   * table leaf or aligned block as QEMU makes them, no longer one per range (VfioGranule, issue
   * #17; digests taken from the engine before that change).
   */
  private static final Map<String, String> EXPECTED_WITHOUT_COST_AND_VFIO =
      new TreeMap<>(
          Map.of(
              "gpu/defaults", "856w/1030a/d92731a3339cf549a1d7ec39",
              "gpu/lazy=off", "167w/288a/9dc5426b6f2c445ace895fd8",
              "gpu/viommu-lazy:queue=2", "98w/288a/5841daa20db57fc86ef7b301",
              "small/defaults", "22768w/2492a/08d7f1e76cdeb0090e0ab36c",
              "small/lazy=off", "18377w/420a/4e5e26c88a719b4e66cb91b9",
              "small/viommu-lazy:queue=2", "1128w/420a/b3db309e0c52c80262e9fd80"));

  private static List<TraceEvent> gpuTrace;
  private static List<TraceEvent> smallTrace;

  @BeforeAll
  static void traces() {
    gpuTrace = GoldenTrace.generate(7, 60_000_000_000L);
    Random rnd = new Random(3);
    List<Integer> ops = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      ops.add(rnd.nextInt());
    }
    smallTrace = RandomTrace.decode(ops);
  }

  static List<String> cases() {
    return new ArrayList<>(CASES.keySet());
  }

  @ParameterizedTest
  @MethodSource("cases")
  void gpuTraceGivesTheRecordedResults(String name) {
    check("gpu", name, gpuTrace);
  }

  @ParameterizedTest
  @MethodSource("cases")
  void smallTraceGivesTheRecordedResults(String name) {
    check("small", name, smallTrace);
  }

  /**
   * The same events as a batch's columns (through the wire form, as a processor decodes them), fed
   * in place in pieces of random length, with the same restores: the columns' entry is the records'
   * path, whatever the batching.
   */
  @ParameterizedTest
  @MethodSource("cases")
  void columnsFedInPiecesGiveTheRecordedResults(String name) {
    List<Scenario> scenarios = ScenarioSpec.parse(CASES.get(name));
    for (String trace : List.of("gpu", "small")) {
      List<TraceEvent> events = trace.equals("gpu") ? gpuTrace : smallTrace;
      EventColumns columns = EventColumns.of(EventColumns.encode("vm-1", 0, events));
      String expected = EXPECTED.get(trace + "/" + name);
      assertThat(digest(runColumns(columns, scenarios, new Random(name.hashCode()))))
          .as("%s/%s in columns", trace, name)
          .isEqualTo(expected);
    }
  }

  /**
   * {@link #run} of the same events held in {@code columns}, fed in pieces of 1 to 1,000 events;
   * the emulator is restored from its snapshot at a third and at two thirds of the trace.
   */
  private static Collected runColumns(EventColumns columns, List<Scenario> scenarios, Random rnd) {
    int n = columns.size();
    int[] cuts = {n / 3, 2 * (n / 3), n};
    VmEmulator emu = new VmEmulator("vm-1", scenarios, CONFIG);
    Collected out = new Collected();
    int i = 0;
    for (int cut : cuts) {
      while (i < cut) {
        // A stopped VM returns early; its later events go to the same emulator, as in run().
        i = emu.onEvents(columns, i, Math.min(cut, i + 1 + rnd.nextInt(1000)), out);
      }
      if (cut < n) {
        emu = VmEmulator.restore("vm-1", scenarios, CONFIG, emu.snapshot());
      }
    }
    emu.finish(out);
    return out;
  }

  /**
   * What changed since the page-by-page engine changed only the CPU cost and the VFIO call counts:
   * every other field of every record, and every anomaly, is as it was.
   */
  @ParameterizedTest
  @MethodSource("changedCases")
  void onlyCostAndVfioCallsChanged(String traceAndCase) {
    String[] parts = traceAndCase.split("/", 2);
    List<TraceEvent> events = parts[0].equals("gpu") ? gpuTrace : smallTrace;
    assertThat(digest(run(events, ScenarioSpec.parse(CASES.get(parts[1])), -1), true))
        .as(traceAndCase)
        .isEqualTo(EXPECTED_WITHOUT_COST_AND_VFIO.get(traceAndCase));
  }

  static List<String> changedCases() {
    return new ArrayList<>(EXPECTED_WITHOUT_COST_AND_VFIO.keySet());
  }

  private static void check(String trace, String name, List<TraceEvent> events) {
    List<Scenario> scenarios = ScenarioSpec.parse(CASES.get(name));
    String digest = digest(run(events, scenarios, -1));
    assertThat(digest).as("%s/%s", trace, name).isEqualTo(EXPECTED.get(trace + "/" + name));
    // Restored from a snapshot at a third and at two thirds of the trace, it must emit exactly the
    // same.
    assertThat(digest(run(events, scenarios, events.size() / 3)))
        .as("%s/%s restored", trace, name)
        .isEqualTo(digest);
  }

  /**
   * Runs the trace; when {@code cut >= 0} the emulator is replaced by its restored snapshot at cut
   * and 2 * cut.
   */
  private static Collected run(List<TraceEvent> events, List<Scenario> scenarios, int cut) {
    VmEmulator emu = new VmEmulator("vm-1", scenarios, CONFIG);
    Collected out = new Collected();
    for (int i = 0; i < events.size(); i++) {
      if (cut >= 0 && (i == cut || i == 2 * cut)) {
        emu = VmEmulator.restore("vm-1", scenarios, CONFIG, emu.snapshot());
      }
      emu.onEvent(events.get(i), out);
    }
    emu.finish(out);
    return out;
  }

  private static String digest(Collected out) {
    return digest(out, false);
  }

  /**
   * With {@code withoutCost}, every record's cpuCostNs, vfioMaps and vfioUnmaps count as 0 (the
   * cost charges LRU scan visits and VFIO calls, among others).
   */
  private static String digest(Collected out, boolean withoutCost) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (WindowResult w : out.windows) {
        md.update(
            withoutCost
                ? WindowResult.newBuilder(w)
                    .setCpuCostNs(0)
                    .setVfioMaps(0)
                    .setVfioUnmaps(0)
                    .build()
                    .toByteBuffer()
                : w.toByteBuffer());
      }
      for (Anomaly a : out.anomalies) {
        md.update(a.toByteBuffer());
      }
      return out.windows.size()
          + "w/"
          + out.anomalies.size()
          + "a/"
          + HexFormat.of().formatHex(md.digest(), 0, 12);
    } catch (NoSuchAlgorithmException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
