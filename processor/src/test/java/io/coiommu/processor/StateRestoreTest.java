package io.coiommu.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.processor.engine.EngineConfig;
import io.coiommu.processor.engine.ScenarioSpec;
import io.coiommu.schema.Anomaly;
import io.coiommu.schema.AvroSerde;
import io.coiommu.schema.EventBatch;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventType;
import io.coiommu.schema.Topics;
import io.coiommu.schema.TraceEvent;
import io.coiommu.schema.WindowResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a task commits is enough to go on: a second topology that starts from the first one's store
 * (as a restarted instance restores it from the changelog) and gets the rest of the trace emits
 * exactly the records of one uninterrupted run.
 */
class StateRestoreTest {

  private static final long MS = 1_000_000L;
  private static final ProcessorConfig CONFIG =
      new ProcessorConfig(
          ScenarioSpec.parse(
              ScenarioSpec.DEFAULTS
                  + ",viommu-lazy:queue=4,timeout=5ms,coiommu:unpin=lru,interval=1s,limit=3,gen=2"),
          EngineConfig.defaults().withWindowNs(200 * MS));

  @TempDir Path stateDir;

  @Test
  void aTopologyRestartedFromTheStoreEmitsWhatAnUninterruptedOneDoes() {
    List<EventBatch> batches = trace(4, 60, 25);
    Map<String, List<Object>> reference = new TreeMap<>();
    try (Run whole = new Run("whole")) {
      batches.forEach(whole::pipe);
      whole.output(reference);
    }
    for (int cut : new int[] {1, batches.size() / 3, batches.size() / 2 + 1, batches.size() - 1}) {
      Map<String, List<Object>> interrupted = new TreeMap<>();
      List<KeyValue<String, byte[]>> saved;
      try (Run first = new Run("first-" + cut)) {
        batches.subList(0, cut).forEach(first::pipe);
        first.output(interrupted);
        saved = first.store();
      }
      assertThat(saved).as("state after %d batches", cut).isNotEmpty();
      try (Run second = new Run("second-" + cut)) {
        saved.forEach(kv -> second.storeHandle().put(kv.key, kv.value));
        batches.subList(cut, batches.size()).forEach(second::pipe);
        second.output(interrupted);
      }
      assertThat(interrupted).as("cut after %d batches", cut).isEqualTo(reference);
    }
  }

  /**
   * A VM whose state is larger than a store record may be is saved in several pieces and restored
   * from them.
   */
  @Test
  void aLargeStateIsSavedInPiecesAndRestored() {
    List<EventBatch> batches = bigVm();
    Map<String, List<Object>> reference = new TreeMap<>();
    try (Run whole = new Run("big-whole")) {
      batches.forEach(whole::pipe);
      whole.output(reference);
    }
    Map<String, List<Object>> interrupted = new TreeMap<>();
    List<KeyValue<String, byte[]>> saved;
    try (Run first = new Run("big-first")) {
      batches.subList(0, 4).forEach(first::pipe);
      first.output(interrupted);
      saved = first.store();
    }
    assertThat(saved.stream().filter(kv -> kv.key.startsWith("big\u0000"))).hasSizeGreaterThan(2);
    try (Run second = new Run("big-second")) {
      saved.forEach(kv -> second.storeHandle().put(kv.key, kv.value));
      batches.subList(4, batches.size()).forEach(second::pipe);
      second.output(interrupted);
    }
    assertThat(interrupted).isEqualTo(reference);
  }

  /**
   * A commit writes what changed: a small batch (its 5 maps release the previous batch's events
   * held by the reorder bound, about 50 events over 8 scenarios' structures) rewrites a part of a
   * large state, where the previous layout rewrote all of it. Measured: 30 % of 1.5 MB.
   */
  @Test
  void aCommitWritesWhatChangedNotTheWholeState() {
    List<EventBatch> batches = bigVm();
    try (Run run = new Run("big-delta")) {
      batches.subList(0, 5).forEach(run::pipe);
      Map<String, byte[]> before = asMap(run.store());
      long stateBytes =
          before.entrySet().stream()
              .filter(kv -> kv.getKey().startsWith("big\u0000p"))
              .mapToLong(kv -> kv.getValue().length)
              .sum();
      List<TraceEvent> few = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        few.add(
            TraceEvent.newBuilder()
                .setType(EventType.DMA_MAP)
                .setTsNs(999_760_000L + i)
                .setDevice("nvme")
                .setIova((1L << 40) + ((long) i << 24))
                .setGpa((long) i << 21)
                .setBytes(4096)
                .build());
      }
      run.pipe(EventColumns.encode("big", 5L, few));
      Map<String, byte[]> after = asMap(run.store());
      long rewritten =
          after.entrySet().stream()
              .filter(kv -> kv.getKey().startsWith("big\u0000"))
              .filter(kv -> !Arrays.equals(kv.getValue(), before.get(kv.getKey())))
              .mapToLong(kv -> kv.getValue().length)
              .sum();
      assertThat(stateBytes).isGreaterThan(100_000);
      assertThat(rewritten).as("of %d bytes of state", stateBytes).isPositive();
      assertThat(rewritten).as("of %d bytes of state", stateBytes).isLessThan(stateBytes / 2);
    }
  }

  /**
   * A store of the previous layout (each VM's whole state in numbered chunks) is read, goes on to
   * the same results, and its chunks are gone after the first commit.
   */
  @Test
  void aStateOfThePreviousLayoutIsReadAndMigrated() {
    List<EventBatch> batches = trace(4, 60, 25);
    Map<String, List<Object>> reference = new TreeMap<>();
    try (Run whole = new Run("legacy-whole")) {
      batches.forEach(whole::pipe);
      whole.output(reference);
    }
    int cut = batches.size() / 2;
    Map<String, List<Object>> interrupted = new TreeMap<>();
    Map<String, byte[]> states = new TreeMap<>();
    List<KeyValue<String, byte[]>> reserved = new ArrayList<>();
    try (Run first = new Run("legacy-first")) {
      batches.subList(0, cut).forEach(first::pipe);
      first.output(interrupted);
      new VmStateLog(first.storeHandle()).load(states::put);
      first.store().stream().filter(kv -> kv.key.charAt(0) == '\u0000').forEach(reserved::add);
    }
    assertThat(states).hasSize(4);
    try (Run second = new Run("legacy-second")) {
      reserved.forEach(kv -> second.storeHandle().put(kv.key, kv.value));
      // The previous layout: chunks of the state bytes (small here, so one or two per VM).
      states.forEach(
          (vm, bytes) -> {
            int half = bytes.length / 2;
            second.storeHandle().put(vm + "\u00000", Arrays.copyOfRange(bytes, 0, half));
            second.storeHandle().put(vm + "\u00001", Arrays.copyOfRange(bytes, half, bytes.length));
          });
      batches.subList(cut, batches.size()).forEach(second::pipe);
      second.output(interrupted);
      assertThat(second.store().stream().map(kv -> kv.key))
          .noneMatch(k -> k.matches(".+\u0000[0-9]+"));
    }
    assertThat(interrupted).isEqualTo(reference);
  }

  private static Map<String, byte[]> asMap(List<KeyValue<String, byte[]>> entries) {
    Map<String, byte[]> m = new TreeMap<>();
    entries.forEach(kv -> m.put(kv.key, kv.value));
    return m;
  }

  /**
   * One VM mapping a page every 2 MiB, six batches of 1,000 (the last one stops it): per-page state
   * that no bitmap word or LRU run can share between pages.
   */
  private static List<EventBatch> bigVm() {
    List<EventBatch> batches = new ArrayList<>();
    List<TraceEvent> start = new ArrayList<>();
    start.add(
        TraceEvent.newBuilder()
            .setType(EventType.VM_START)
            .setTsNs(0)
            .setGuestMemoryBytes(8L << 30)
            .build());
    batches.add(EventColumns.encode("big", 0L, start));
    for (int b = 1; b <= 6; b++) {
      List<TraceEvent> events = new ArrayList<>();
      // One page every 2 MiB: per-page state that no bitmap word or LRU run can share between
      // pages.
      for (int i = 0; i < 1000; i++) {
        long n = (b - 1) * 1000 + i;
        events.add(
            TraceEvent.newBuilder()
                .setType(EventType.DMA_MAP)
                .setTsNs(n * MS / 4)
                .setDevice("nvme")
                .setIova(n << 24)
                .setGpa(n << 21)
                .setBytes(4096)
                .build());
        if (n % 3 == 2) {
          events.add(
              TraceEvent.newBuilder()
                  .setType(EventType.DMA_UNMAP)
                  .setTsNs(n * MS / 4 + 1)
                  .setDevice("nvme")
                  .setIova((n - 1) << 24)
                  .build());
        }
      }
      if (b == 6) {
        events.add(
            TraceEvent.newBuilder().setType(EventType.VM_STOP).setTsNs(5 * 1000 * MS).build());
      }
      batches.add(EventColumns.encode("big", (long) b, events));
    }
    return batches;
  }

  /**
   * VMs interleaved batch by batch, each mapping and unmapping over a small page space, every 1..30
   * ms.
   */
  static List<EventBatch> trace(int vms, int batchesPerVm, int eventsPerBatch) {
    Random random = new Random(7);
    List<EventBatch> out = new ArrayList<>();
    long[] ts = new long[vms];
    List<List<long[]>> live = new ArrayList<>();
    for (int v = 0; v < vms; v++) {
      live.add(new ArrayList<>());
    }
    long nextIova = 1L << 32;
    for (int b = 0; b < batchesPerVm; b++) {
      for (int v = 0; v < vms; v++) {
        List<TraceEvent> events = new ArrayList<>();
        if (b == 0) {
          events.add(
              TraceEvent.newBuilder()
                  .setType(EventType.VM_START)
                  .setTsNs(ts[v])
                  .setGuestMemoryBytes(1L << 30)
                  .setHost("h" + v % 2)
                  .build());
        }
        for (int e = 0; e < eventsPerBatch; e++) {
          ts[v] += (1 + random.nextInt(30)) * MS;
          List<long[]> mine = live.get(v);
          TraceEvent.Builder ev = TraceEvent.newBuilder().setTsNs(ts[v]).setDevice("nic");
          if (mine.isEmpty() || random.nextInt(5) < 3) {
            long iova = nextIova;
            nextIova += 1 << 16;
            long gpa = random.nextInt(200) * 4096L;
            long bytes = 1 + random.nextInt(12_000);
            mine.add(new long[] {iova, gpa, bytes});
            ev.setType(EventType.DMA_MAP).setIova(iova).setGpa(gpa).setBytes(bytes);
          } else {
            long[] m = mine.remove(random.nextInt(mine.size()));
            ev.setType(EventType.DMA_UNMAP).setIova(m[0]);
          }
          events.add(ev.build());
        }
        if (b == batchesPerVm - 1 && v % 2 == 0) {
          events.add(TraceEvent.newBuilder().setType(EventType.VM_STOP).setTsNs(ts[v] + 1).build());
        }
        out.add(EventColumns.encode("vm" + v, (long) b, events));
      }
    }
    return out;
  }

  private final class Run implements AutoCloseable {
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, EventBatch> in;

    Run(String name) {
      Properties client = new Properties();
      client.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
      driver =
          new TopologyTestDriver(
              EmulationTopology.buildTopology(CONFIG),
              StreamsSettings.properties(client, "restore-" + name, stateDir.resolve(name)));
      in =
          driver.createInputTopic(
              Topics.TRACE_EVENTS, Serdes.String().serializer(), AvroSerde.of(EventBatch.class));
    }

    void pipe(EventBatch b) {
      in.pipeInput(b.getVm(), b, 0L);
    }

    /**
     * Window results by scenario and VM, then anomalies by VM: the order within each is part of the
     * contract.
     */
    void output(Map<String, List<Object>> into) {
      driver
          .createOutputTopic(
              Topics.WINDOW_RESULTS,
              Serdes.String().deserializer(),
              AvroSerde.of(WindowResult.class))
          .readValuesToList()
          .forEach(
              r ->
                  into.computeIfAbsent(r.getScenario() + " | " + r.getVm(), k -> new ArrayList<>())
                      .add(r));
      driver
          .createOutputTopic(
              Topics.ANOMALIES, Serdes.String().deserializer(), AvroSerde.of(Anomaly.class))
          .readValuesToList()
          .forEach(
              a -> into.computeIfAbsent("anomalies | " + a.getVm(), k -> new ArrayList<>()).add(a));
    }

    KeyValueStore<String, byte[]> storeHandle() {
      return driver.getKeyValueStore(VmStateStore.NAME);
    }

    List<KeyValue<String, byte[]>> store() {
      List<KeyValue<String, byte[]>> all = new ArrayList<>();
      try (KeyValueIterator<String, byte[]> it = storeHandle().all()) {
        it.forEachRemaining(all::add);
      }
      return all;
    }

    @Override
    public void close() {
      driver.close();
    }
  }
}
