package io.coiommu.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coiommu.processor.engine.AnomalyReason;
import io.coiommu.processor.engine.EngineConfig;
import io.coiommu.processor.engine.ScenarioSpec;
import io.coiommu.schema.Anomaly;
import io.coiommu.schema.AvroSerde;
import io.coiommu.schema.EventBatch;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventColumnsSerde;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import io.coiommu.schema.WindowResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor recycles every batch once applied, and the serde decodes the next records into the
 * recycled arrays: the results must be those of decoding fresh columns for every record, over many
 * batches of several VMs with events held, out of order, late, repeated, and VMs that stop and
 * start again.
 */
class RecycledColumnsTest {

  private static final long MS = 1_000_000L;
  private static final ProcessorConfig CONFIG =
      new ProcessorConfig(ScenarioSpec.parse("viommu-strict,coiommu"), EngineConfig.defaults())
          .withReorderBoundNs(50 * MS);
  private static final AvroSerde<EventBatch> AVRO = AvroSerde.of(EventBatch.class);

  @TempDir Path stateDir;

  /** The serde as the topology uses it, keeping every batch it decoded to look at afterwards. */
  private static final class Watched implements Deserializer<EventColumns> {
    final EventColumnsSerde serde = new EventColumnsSerde();
    final List<EventColumns> decoded = new ArrayList<>();
    int intoLargerArrays;

    @Override
    public EventColumns deserialize(String topic, byte[] data) {
      EventColumns c = serde.deserialize(topic, data);
      // A fresh decode sizes the arrays to the record: larger ones are a recycled batch's.
      if (c.capacity() > Math.max(1, c.size())) {
        intoLargerArrays++;
      }
      decoded.add(c);
      return c;
    }
  }

  /** A VM's events: trace time mostly rising, some within the reorder bound out of order. */
  private static List<TraceEvent> vmEvents(SplittableRandom rnd, int vm, int n) {
    List<TraceEvent> events = new ArrayList<>();
    long ts = vm * 7 * MS;
    int run = 0;
    for (int i = 0; i < n; i++) {
      ts += rnd.nextInt(3 * (int) MS);
      if (i == 0 || (i > 0 && events.get(events.size() - 1).getType() == EventType.VM_STOP)) {
        events.add(
            TraceEvent.newBuilder()
                .setType(EventType.VM_START)
                .setTsNs(ts)
                .setDevice("nic")
                .setGuestMemoryBytes(1L << 30)
                .setHost("host-" + (vm % 3))
                .build());
        run++;
        continue;
      }
      long page = (rnd.nextInt(64) + run * 1000L) * 4096L;
      int kind = rnd.nextInt(100);
      TraceEvent.Builder e =
          TraceEvent.newBuilder().setTsNs(ts).setDevice(rnd.nextBoolean() ? "nic" : "nvme");
      if (kind < 40) {
        e.setType(EventType.DMA_MAP).setIova(page).setGpa(page + 8192).setBytes(4096);
      } else if (kind < 75) {
        e.setType(EventType.DMA_UNMAP).setIova(page).setBytes(4096);
      } else if (kind < 93) {
        e.setType(EventType.DMA_ACCESS).setIova(page).setBytes(512);
      } else if (kind < 97) {
        // Later than the reorder bound once the trace time has moved on: a late event.
        e.setType(EventType.DMA_MAP).setTsNs(ts - 200 * MS).setIova(page).setBytes(4096);
      } else {
        e.setType(i % 2 == 0 ? EventType.VM_STOP : EventType.IO_PAGE_FAULT);
      }
      events.add(e.build());
    }
    // Neighbours swapped, a few ms apart: out of order within the bound.
    for (int i = 2; i + 1 < events.size(); i += 2 + rnd.nextInt(9)) {
      TraceEvent a = events.get(i);
      events.set(i, events.get(i + 1));
      events.set(i + 1, a);
    }
    return events;
  }

  /** Each VM's events cut in batches of 1 to 400 events, the VMs' batches interleaved. */
  private static List<EventBatch> trace(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int vms = 6;
    List<List<EventBatch>> perVm = new ArrayList<>();
    for (int v = 0; v < vms; v++) {
      List<TraceEvent> events = vmEvents(rnd, v, 3000);
      List<EventBatch> batches = new ArrayList<>();
      int at = 0;
      long seq = 0;
      while (at < events.size()) {
        int n = Math.min(events.size() - at, 1 + rnd.nextInt(400));
        String vm = "vm-" + v;
        batches.add(EventColumns.encode(vm, seq++, at, events.subList(at, at + n)));
        if (rnd.nextInt(15) == 0) {
          // The producer re-sent part of what it had sent: repeated events, skipped.
          int back = Math.min(at, 1 + rnd.nextInt(50));
          batches.add(EventColumns.encode(vm, seq++, at - back, events.subList(at - back, at + n)));
        }
        at += n;
      }
      perVm.add(batches);
    }
    List<EventBatch> out = new ArrayList<>();
    int[] next = new int[vms];
    for (int left = perVm.stream().mapToInt(List::size).sum(); left > 0; left--) {
      int v = rnd.nextInt(vms);
      while (next[v] == perVm.get(v).size()) {
        v = (v + 1) % vms;
      }
      out.add(perVm.get(v).get(next[v]++));
    }
    return out;
  }

  private record Output(
      List<TestRecord<String, WindowResult>> results,
      List<TestRecord<String, Anomaly>> anomalies) {}

  private Output run(List<EventBatch> trace, String name, Deserializer<EventColumns> traces) {
    try (TopologyFixture t =
        new TopologyFixture(CONFIG, "recycled", stateDir.resolve(name), traces)) {
      long timestamp = 0;
      for (EventBatch b : trace) {
        t.trace.pipeInput(b.getVm(), b, timestamp += 3);
      }
      return new Output(t.results.readRecordsToList(), t.anomalies.readRecordsToList());
    }
  }

  @Test
  void theResultsAreThoseOfFreshColumnsForEveryRecord() {
    List<EventBatch> trace = trace(14);
    Output fresh =
        run(trace, "fresh", (topic, data) -> EventColumns.of(AVRO.deserialize(topic, data)));
    Watched watched = new Watched();
    Output recycled = run(trace, "recycled", watched);

    assertThat(recycled.results()).isEqualTo(fresh.results());
    assertThat(recycled.anomalies()).isEqualTo(fresh.anomalies());
    // The trace exercised what the batches go through: windows, late and repeated events.
    assertThat(fresh.results()).hasSizeGreaterThan(100);
    assertThat(fresh.anomalies())
        .extracting(r -> r.value().getReason())
        .contains(AnomalyReason.LATE_EVENT.name(), AnomalyReason.BATCH_REPEATED.name());
    assertThat(watched.decoded).hasSize(trace.size());
    assertThat(watched.intoLargerArrays)
        .as("records decoded into a recycled batch's arrays")
        .isGreaterThan(trace.size() / 3);
  }

  @Test
  void everyBatchIsRecycledOnceProcessed() {
    Watched watched = new Watched();
    List<EventBatch> trace = trace(3);
    run(trace, "all-recycled", watched);
    assertThat(watched.decoded).hasSize(trace.size());
    for (EventColumns batch : watched.decoded) {
      assertThatThrownBy(batch::size).isInstanceOf(IllegalStateException.class);
    }
  }
}
