package io.coiommu.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coiommu.schema.AvroSerde;
import io.coiommu.schema.EventBatch;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Batching and delivery logic against Kafka's MockProducer: no broker. */
class TraceProducerTest {

  private static final AvroSerde<EventBatch> BATCHES = AvroSerde.of(EventBatch.class);

  private static MockProducer<String, byte[]> mock() {
    return new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  }

  /** The batch a sent record carries, as a consumer reads it. */
  private static EventBatch batch(ProducerRecord<String, byte[]> r) {
    return BATCHES.deserialize(r.topic(), r.value());
  }

  @Test
  void batchesPerVmInOrderWithSequenceNumbersAndFlushesAtStop() {
    MockProducer<String, byte[]> mock = mock();
    List<VmEvent> input = new ArrayList<>();
    try (TraceSource s = Workloads.open("fleet:hosts=2,vms=5,duration=2s,seed=4")) {
      s.forEachRemaining(input::add);
    }
    ProduceStats stats;
    try (TraceProducer producer = new TraceProducer(mock, "t")) {
      stats = producer.produce(listSource(input), Pacing.MAX, ProgressListener.NONE);
    }
    assertThat(stats.events()).isEqualTo(input.size());
    assertThat(stats.vms()).isEqualTo(5);
    List<ProducerRecord<String, byte[]>> sent = mock.history();
    assertThat(stats.batches()).isEqualTo(sent.size());

    Map<String, List<TraceEvent>> expected = new HashMap<>();
    input.forEach(e -> expected.computeIfAbsent(e.vm(), k -> new ArrayList<>()).add(e.event()));
    Map<String, List<TraceEvent>> received = new HashMap<>();
    Map<String, Long> nextSeq = new HashMap<>();
    for (ProducerRecord<String, byte[]> r : sent) {
      EventBatch b = batch(r);
      assertThat(r.topic()).isEqualTo("t");
      assertThat(r.key()).isEqualTo(b.getVm());
      assertThat(b.getSeq()).isEqualTo(nextSeq.getOrDefault(b.getVm(), 0L));
      nextSeq.put(b.getVm(), b.getSeq() + 1);
      assertThat(b.getEvents()).as("version 2 carries columns only").isEmpty();
      assertThat(events(b)).isNotEmpty().hasSizeLessThanOrEqualTo(TraceProducer.MAX_BATCH_EVENTS);
      List<TraceEvent> soFar = received.computeIfAbsent(b.getVm(), k -> new ArrayList<>());
      assertThat(b.getFirstIndex())
          .as("a batch starts where the VM's previous one ended")
          .isEqualTo(soFar.size());
      assertThat(soFar)
          .as("nothing of %s after its VM_STOP", b.getVm())
          .noneMatch(e -> e.getType() == EventType.VM_STOP);
      soFar.addAll(events(b));
    }
    assertThat(received).isEqualTo(expected);
    // The batch holding a VM_STOP ends with it: nothing of that VM waits behind it.
    for (ProducerRecord<String, byte[]> r : sent) {
      List<TraceEvent> ev = events(batch(r));
      for (int i = 0; i < ev.size() - 1; i++) {
        assertThat(ev.get(i).getType()).isNotEqualTo(EventType.VM_STOP);
      }
    }
  }

  private static List<TraceEvent> events(EventBatch b) {
    return EventColumns.of(b).events();
  }

  @Test
  void aSourceThatRefillsOneEventSendsTheSameRecords() {
    List<VmEvent> input = new ArrayList<>();
    try (TraceSource s = Workloads.open("fleet:hosts=2,vms=5,duration=2s,seed=4")) {
      s.forEachRemaining(input::add);
    }
    MockProducer<String, byte[]> fresh = mock();
    try (TraceProducer producer = new TraceProducer(fresh, "t")) {
      producer.produce(listSource(input), Pacing.MAX, ProgressListener.NONE);
    }
    TraceEvent refilled = new TraceEvent();
    Iterator<VmEvent> it = input.iterator();
    TraceSource oneEvent =
        new ForwardingTraceSource(listSource(input)) {
          @Override
          public VmEvent next() {
            VmEvent e = it.next();
            // Every field overwritten, a gpa's absence included: the values of e, in one object.
            for (int f = 0; f < TraceEvent.getClassSchema().getFields().size(); f++) {
              refilled.put(f, e.event().get(f));
            }
            return new VmEvent(e.vm(), refilled);
          }

          @Override
          public boolean hasNext() {
            return it.hasNext();
          }
        };
    MockProducer<String, byte[]> reused = mock();
    try (TraceProducer producer = new TraceProducer(reused, "t")) {
      producer.produce(oneEvent, Pacing.MAX, ProgressListener.NONE);
    }
    assertThat(reused.history()).hasSameSizeAs(fresh.history()).hasSizeGreaterThan(5);
    for (int i = 0; i < fresh.history().size(); i++) {
      assertThat(reused.history().get(i).key()).isEqualTo(fresh.history().get(i).key());
      assertThat(reused.history().get(i).value()).isEqualTo(fresh.history().get(i).value());
    }
  }

  @Test
  void aVmStopIsSentBeforeOtherVmsFillTheirBatches() {
    List<EventBatch> out = new ArrayList<>();
    VmBatcher batcher = new VmBatcher(100, 1000, VmBatcher.built(out::add));
    batcher.add(new VmEvent("a", Events.vmStart(0, "h", 1 << 30)));
    batcher.add(new VmEvent("b", Events.vmStart(0, "h", 1 << 30)));
    batcher.add(new VmEvent("a", Events.vmStop(5)));
    assertThat(out).hasSize(1);
    assertThat(out.get(0).getVm()).isEqualTo("a");
    assertThat(events(out.get(0))).hasSize(2);
    batcher.flushAll();
    assertThat(out).hasSize(2);
    assertThat(out.get(1).getVm()).isEqualTo("b");
  }

  @Test
  void aRestartedProducerSendsOnlyWhatTheTopicLacksAndKeepsTheIndexes() {
    List<VmEvent> input = new ArrayList<>();
    try (TraceSource s = Workloads.open("fleet:hosts=1,vms=3,duration=2s,seed=4")) {
      s.forEachRemaining(input::add);
    }
    Map<String, List<TraceEvent>> all = new HashMap<>();
    input.forEach(e -> all.computeIfAbsent(e.vm(), k -> new ArrayList<>()).add(e.event()));
    String first = input.get(0).vm();
    long held = all.get(first).size() / 2;
    MockProducer<String, byte[]> mock = mock();
    ProduceStats stats;
    try (TraceProducer producer = new TraceProducer(mock, "t")) {
      stats =
          producer.produce(
              listSource(input), Pacing.MAX, ProgressListener.NONE, Map.of(first, held));
    }
    assertThat(stats.skipped()).isEqualTo(held);
    assertThat(stats.events()).isEqualTo(input.size() - held);
    Map<String, List<TraceEvent>> received = new HashMap<>();
    for (ProducerRecord<String, byte[]> r : mock.history()) {
      EventBatch b = batch(r);
      long from = b.getVm().equals(first) ? held : 0;
      List<TraceEvent> soFar = received.computeIfAbsent(b.getVm(), k -> new ArrayList<>());
      assertThat(b.getFirstIndex()).isEqualTo(from + soFar.size());
      soFar.addAll(events(b));
    }
    all.put(first, all.get(first).subList((int) held, all.get(first).size()));
    assertThat(received).isEqualTo(all);
  }

  @Test
  void aQuietVmsEventsDoNotWaitLongerThanTheBoundOfTraceTime() {
    List<EventBatch> out = new ArrayList<>();
    VmBatcher batcher = new VmBatcher(100, 1000, VmBatcher.built(out::add));
    batcher.add(new VmEvent("quiet", Events.balloonInflate(0, 0, 4096)));
    for (long t = 1; t < 11; t++) {
      batcher.add(new VmEvent("busy", Events.balloonInflate(t * 1_000_000_000L, 0, 4096)));
    }
    assertThat(out).extracting(EventBatch::getVm).containsExactly("quiet");
  }

  @Test
  void pendingEventsAcrossVmsAreCapped() {
    List<EventBatch> out = new ArrayList<>();
    VmBatcher batcher = new VmBatcher(100, 150, VmBatcher.built(out::add));
    for (int i = 0; i < 149; i++) {
      batcher.add(new VmEvent("vm" + (i % 3), Events.vmStop(i)));
    }
    // Every VM_STOP flushes; use maps to see the cap.
    out.clear();
    // x0 gets 2 events in 4, x1 and x2 one each: at the cap (150 pending) the fullest batches go
    // until half the cap is left, which takes x0's 76 alone.
    for (int i = 0; i < 150; i++) {
      int k = i % 4;
      batcher.add(new VmEvent("x" + (k < 2 ? 0 : k - 1), Events.balloonInflate(i, 0, 4096)));
    }
    assertThat(out).extracting(EventBatch::getVm).containsExactly("x0");
    assertThat(events(out.get(0))).hasSize(76);
    batcher.flushAll();
    assertThat(out.stream().mapToInt(b -> events(b).size()).sum()).isEqualTo(150);
  }

  @Test
  void aThousandVmFleetIsSentInBatchesOfThousandsOfEvents() {
    long[] batchesAndEvents = new long[2];
    VmBatcher batcher =
        VmBatcher.likeTraceProducer(
            b -> {
              batchesAndEvents[0]++;
              batchesAndEvents[1] += EventColumns.of(b).size();
            });
    try (TraceSource s = Workloads.open("fleet:hosts=50,vms=1000,duration=1s,seed=3")) {
      s.forEachRemaining(batcher::add);
    }
    batcher.flushAll();
    double perBatch = (double) batchesAndEvents[1] / batchesAndEvents[0];
    // Sending every VM's batch at the old cap (256 Ki events) gave 369 events a batch here (2,359
    // now), and each batch costs the processor a state write per commit (issue #14).
    assertThat(perBatch).isGreaterThan(1000);
    System.out.printf(
        "1,000-VM fleet, 1 s: %d events in %d batches, %.0f a batch%n",
        batchesAndEvents[1], batchesAndEvents[0], perBatch);
  }

  @Test
  void aFailedSendFailsTheCall() {
    // The broker refuses every record when the producer waits for acknowledgements.
    MockProducer<String, byte[]> refusing =
        new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer()) {
          @Override
          public synchronized void flush() {
            while (errorNext(new KafkaException("broker says no"))) {
              Thread.onSpinWait();
            }
          }
        };
    TraceProducer producer = new TraceProducer(refusing, "t");
    List<VmEvent> input =
        List.of(
            new VmEvent("a", Events.vmStart(0, "h", 1 << 30)), new VmEvent("a", Events.vmStop(1)));
    assertThatThrownBy(() -> producer.produce(listSource(input), Pacing.MAX, ProgressListener.NONE))
        .isInstanceOf(KafkaException.class)
        .hasMessageContaining("broker says no");
  }

  @Test
  void pacingParses() {
    assertThat(Pacing.parse("max").isMax()).isTrue();
    assertThat(Pacing.parse("1x").wallNanosFor(1_000_000_000L)).isEqualTo(1_000_000_000L);
    assertThat(Pacing.parse("10x").wallNanosFor(1_000_000_000L)).isEqualTo(100_000_000L);
    assertThat(Pacing.parse("10x")).hasToString("10x");
    assertThatThrownBy(() -> Pacing.parse("fast")).hasMessageContaining("'fast'");
    assertThatThrownBy(() -> Pacing.parse("0x")).hasMessageContaining("positive");
    assertThatThrownBy(() -> Pacing.parse("-2x")).isInstanceOf(IllegalArgumentException.class);
  }

  static TraceSource listSource(List<VmEvent> events) {
    Iterator<VmEvent> it = events.iterator();
    return new TraceSource() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public VmEvent next() {
        return it.next();
      }

      @Override
      public String describe() {
        return "list of " + events.size();
      }

      @Override
      public OptionalLong expectedEvents() {
        return OptionalLong.of(events.size());
      }

      @Override
      public RejectStats rejects() {
        return RejectStats.NONE;
      }
    };
  }

  @Test
  void aRoleDeadlineBecomesTheDeliveryTimeoutUnlessTheClientSetsOne() {
    Properties client = new Properties();
    client.put("bootstrap.servers", "broker:9092");
    Properties patient = TraceProducer.deliveringWithin(client, Duration.ofMinutes(10));
    assertThat(patient.getProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)).isEqualTo("600000");
    assertThat(patient.getProperty("bootstrap.servers")).isEqualTo("broker:9092");
    assertThat(client).doesNotContainKey(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
    // Never below Kafka's own default, which linger.ms + request.timeout.ms must fit under.
    assertThat(
            TraceProducer.deliveringWithin(client, Duration.ofSeconds(3))
                .getProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG))
        .isEqualTo("120000");
    client.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "45000");
    assertThat(
            TraceProducer.deliveringWithin(client, Duration.ofMinutes(10))
                .getProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG))
        .isEqualTo("45000");
  }
}
