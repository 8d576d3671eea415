package io.coiommu.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming encoder writes exactly the bytes EventColumns.toBatch wrote before it existed: the
 * digests below were computed with that encoder (commit b1e5e3f), so a change of the wire encoding
 * fails here however both paths change together.
 */
class EventBatchBuilderTest {

  private static final String[] DEVICES = {"0000:03:00.0", "0000:04:00.0", "", "0000:05:00.1"};

  /** SHA-256 of each case's batch as Kafka bytes, from the encoder before the builder. */
  private static final List<String> PINNED =
      List.of(
          "58a2d8fec42a8bbc4411a94f828372960be427f0f396b5e2cfb346f5c63416ff",
          "754919d62831df27619d7decfa272692d7acce22047f95da992c5da0e5e7d049",
          "b7c8506c1e9c3bd45966ce10fc8c939b5d875b1bdace7521b9878c229d62acfe",
          "2fac03fa26cb7fe362f9b850906afce87074c4bcf5069d61863981b1af29f0b6",
          "02a410d2b15f4acfff985a583bd452479105b7435274048796f0a004799cea5b",
          "039b40d9418992de647599937a7062fa4fe9cf5cd685e4b53e8fcd77d95ac8ae",
          "b15c0ef4e68abd175a8ea5afc811fa6544b12d51f3358ca517c29e5a3fb5f60f",
          "60ad33f2763ad5046c2265de71037ba8baa8bfd30ea4ad95b70a12600d3129ce");

  private static final AvroSerde<EventBatch> BATCHES = AvroSerde.of(EventBatch.class);

  /** Each case's vm, seq and firstIndex go into its digest too. */
  private record Case(String vm, long seq, long firstIndex, List<TraceEvent> events) {}

  private static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    cases.add(new Case("empty", 0, 0, List.of()));
    cases.add(new Case("vm1", 3, -1, startMapUnmap()));
    cases.add(new Case("random-300", 7, 12_345, random(1, 300)));
    cases.add(new Case("random-5000", 1L << 40, 5_000_000_000L, random(2, 5000)));
    cases.add(new Case("extremes", Long.MAX_VALUE, Long.MAX_VALUE, extremes()));
    cases.add(new Case("one-unmap", 0, 0, List.of(event(EventType.DMA_UNMAP, -5, 2, 9, null))));
    cases.add(new Case("random-40", 1, 1, random(3, 40)));
    cases.add(new Case("many-devices", 2, 100, manyDevices()));
    return cases;
  }

  private static TraceEvent event(EventType type, long ts, int device, long iova, Long gpa) {
    return TraceEvent.newBuilder()
        .setType(type)
        .setTsNs(ts)
        .setDevice(DEVICES[device])
        .setIova(iova)
        .setGpa(gpa)
        .build();
  }

  private static List<TraceEvent> startMapUnmap() {
    TraceEvent start = event(EventType.VM_START, 1_000, 2, 0, null);
    start.setGuestMemoryBytes(1L << 30);
    start.setHost("h1");
    TraceEvent map = event(EventType.DMA_MAP, 2_000_000, 0, 0x10000, 0x10000L);
    map.setBytes(1500);
    map.setDirection(DmaDirection.TO_DEVICE);
    map.setCallId(7);
    TraceEvent unmap = event(EventType.DMA_UNMAP, 3_000_000, 0, 0x10000, null);
    unmap.setBytes(1500);
    unmap.setCallId(8);
    return List.of(start, map, unmap);
  }

  /**
   * Every type and direction, a gpa on some events (at a few offsets from the iova, so the gpa
   * column's deltas are zero, small and large), four devices, timestamps, iovas and call ids that
   * sometimes go back (negative deltas), and the extras on a few events, one field or both.
   */
  private static List<TraceEvent> random(long seed, int n) {
    Random r = new Random(seed);
    EventType[] types = EventType.values();
    DmaDirection[] directions = DmaDirection.values();
    long[] offsets = {0, 0x1000, -0x7000_0000L, 1L << 50};
    List<TraceEvent> out = new ArrayList<>(n);
    long ts = r.nextInt(1000);
    long call = 0;
    for (int i = 0; i < n; i++) {
      ts += r.nextInt(10) == 0 ? -r.nextInt(5000) : r.nextInt(100_000);
      long iova = r.nextInt(8) == 0 ? r.nextLong() : (long) r.nextInt(1 << 20) << 12;
      Long gpa = r.nextInt(3) == 0 ? null : iova + offsets[r.nextInt(offsets.length)];
      TraceEvent e =
          event(types[r.nextInt(types.length)], ts, r.nextInt(DEVICES.length), iova, gpa);
      e.setDirection(directions[r.nextInt(directions.length)]);
      e.setBytes(r.nextInt(16) == 0 ? -r.nextInt(100) : r.nextInt(1 << 16));
      call += r.nextInt(4) == 0 ? -r.nextInt(3) : r.nextInt(3);
      e.setCallId(call);
      switch (r.nextInt(40)) {
        case 0 -> e.setGuestMemoryBytes(r.nextLong());
        case 1 -> e.setHost("h\u00f4te-" + r.nextInt(3));
        case 2 -> {
          e.setGuestMemoryBytes(1L << r.nextInt(40));
          e.setHost("host-" + r.nextInt(100));
        }
        default -> {}
      }
      out.add(e);
    }
    return out;
  }

  /**
   * 20 devices, more than the builder finds by a scan, each named by new string objects that are
   * equal, not identical.
   */
  private static List<TraceEvent> manyDevices() {
    List<TraceEvent> out = random(4, 90);
    for (int i = 0; i < out.size(); i++) {
      out.get(i).setDevice(new String("0000:" + (i * 7 % 20) + ":00.0"));
    }
    return out;
  }

  private static List<TraceEvent> extremes() {
    List<TraceEvent> out = new ArrayList<>();
    long[] values = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE};
    for (int i = 0; i < values.length; i++) {
      long v = values[i];
      TraceEvent e =
          event(EventType.values()[i % 4], v, i % DEVICES.length, -v, i % 2 == 0 ? v : null);
      e.setBytes(v);
      e.setCallId(v);
      e.setGuestMemoryBytes(v);
      e.setHost(i % 3 == 0 ? "" : "h\ud83d\ude00");
      out.add(e);
    }
    return out;
  }

  private static String digest(EventBatch batch) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(BATCHES.serialize("t", batch)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aFreshBuilderWritesThePinnedBytes() {
    List<Case> cases = cases();
    for (int k = 0; k < cases.size(); k++) {
      Case c = cases.get(k);
      EventBatchBuilder b = new EventBatchBuilder(4);
      c.events().forEach(b::add);
      assertThat(b.size()).isEqualTo(c.events().size());
      assertThat(digest(b.build(c.vm(), c.seq(), c.firstIndex())))
          .as(c.vm())
          .isEqualTo(PINNED.get(k));
      assertThat(b.size()).isZero();
    }
  }

  @Test
  void toBatchOfDecodedColumnsWritesThePinnedBytesToo() {
    List<Case> cases = cases();
    for (int k = 0; k < cases.size(); k++) {
      Case c = cases.get(k);
      EventColumns columns = EventColumns.of(EventColumns.encode(c.vm(), 0, c.events()));
      // Twice: the second batch comes from the columns' reused encoder.
      for (int twice = 0; twice < 2; twice++) {
        assertThat(digest(columns.toBatch(c.vm(), c.seq(), c.firstIndex())))
            .as(c.vm())
            .isEqualTo(PINNED.get(k));
      }
    }
  }

  @Test
  void aReusedBuilderWritesEachBatchAsAFreshOneAndLeavesEarlierBatchesAlone() {
    List<Case> cases = new ArrayList<>(cases());
    List<Integer> order = new ArrayList<>();
    for (int k = 0; k < cases.size(); k++) {
      order.add(k);
    }
    // Large before small and small before large: reused buffers hold stale bytes past the end.
    List<Integer> backwards = new ArrayList<>(order);
    Collections.reverse(backwards);
    order.addAll(backwards);
    EventBatchBuilder b = new EventBatchBuilder(1);
    List<EventBatch> built = new ArrayList<>();
    for (int k : order) {
      Case c = cases.get(k);
      c.events().forEach(b::add);
      EventBatch batch = b.build(c.vm(), c.seq(), c.firstIndex());
      assertThat(digest(batch)).as(c.vm()).isEqualTo(PINNED.get(k));
      built.add(batch);
    }
    for (int i = 0; i < order.size(); i++) {
      assertThat(digest(built.get(i)))
          .as("batch %d after the builder moved on", i)
          .isEqualTo(PINNED.get(order.get(i)));
    }
  }

  @Test
  void clearDropsHalfABatch() {
    EventBatchBuilder b = new EventBatchBuilder(16);
    random(9, 100).forEach(b::add);
    b.clear();
    assertThat(b.size()).isZero();
    Case c = cases().get(2);
    c.events().forEach(b::add);
    assertThat(digest(b.build(c.vm(), c.seq(), c.firstIndex()))).isEqualTo(PINNED.get(2));
  }

  @Test
  void everyEventComesBackThroughTheColumns() {
    for (Case c : cases()) {
      EventBatchBuilder b = new EventBatchBuilder(8);
      c.events().forEach(b::add);
      EventColumns back = EventColumns.of(b.build(c.vm(), c.seq(), c.firstIndex()));
      assertThat(back.vm()).isEqualTo(c.vm());
      assertThat(back.seq()).isEqualTo(c.seq());
      assertThat(back.firstIndex()).isEqualTo(c.firstIndex());
      assertThat(back.events()).as(c.vm()).isEqualTo(c.events());
    }
  }

  @Test
  void anEventWithoutADeviceIsRefusedBeforeAnyColumnIsWritten() {
    EventBatchBuilder b = new EventBatchBuilder(4);
    TraceEvent bad = event(EventType.DMA_MAP, 1, 0, 2, 3L);
    bad.setDevice(null);
    assertThatThrownBy(() -> b.add(bad))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("device");
    Case c = cases().get(1);
    c.events().forEach(b::add);
    assertThat(digest(b.build(c.vm(), c.seq(), c.firstIndex()))).isEqualTo(PINNED.get(1));
  }

  @Test
  void encodeWritesThePinnedBytesFreshOrReused() throws NoSuchAlgorithmException {
    List<Case> cases = cases();
    EventBatchBuilder reused = new EventBatchBuilder(1);
    for (int round = 0; round < 2; round++) {
      for (int k = 0; k < cases.size(); k++) {
        Case c = cases.get(k);
        EventBatchBuilder fresh = new EventBatchBuilder(4);
        for (EventBatchBuilder b : List.of(fresh, reused)) {
          c.events().forEach(b::add);
          byte[] record = b.encode(c.vm(), c.seq(), c.firstIndex());
          assertThat(b.size()).isZero();
          assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(record)))
              .as(c.vm())
              .isEqualTo(PINNED.get(k));
        }
      }
    }
  }

  /**
   * Random batches of every shape the encoder distinguishes: empty or thousands of events, one
   * device or dozens (the empty string among them), no gpa, some or all, extras on none, some or
   * every event, hosts empty or not ASCII, values and deltas at the ends of a long, VM names empty
   * or not ASCII. Avro's reader must read each record encode gives back to the same events, and
   * Avro's writer must give exactly its bytes, for that batch and for build's.
   */
  @Test
  void encodeWritesWhatAvrosWriterWritesForEveryShapeOfBatch() {
    Random r = new Random(14);
    EventBatchBuilder encoder = new EventBatchBuilder(1);
    EventBatchBuilder builder = new EventBatchBuilder(1);
    String[] vms = {"", "vm-1", "vm-\u00e9t\u00e9-\ud83d\ude00", "x".repeat(200)};
    for (int k = 0; k < 300; k++) {
      List<TraceEvent> events = shaped(r);
      String vm = vms[r.nextInt(vms.length)];
      long seq = r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(1000);
      long firstIndex = r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(1 << 20) - 1;
      events.forEach(encoder::add);
      events.forEach(builder::add);
      byte[] record = encoder.encode(vm, seq, firstIndex);
      EventBatch read = BATCHES.deserialize("t", record);
      String what = "batch " + k + " of " + events.size() + " events";
      assertThat(read.getVm()).as(what).isEqualTo(vm);
      assertThat(read.getSeq()).as(what).isEqualTo(seq);
      assertThat(read.getFirstIndex()).as(what).isEqualTo(firstIndex);
      assertThat(EventColumns.of(read).events()).as(what).isEqualTo(events);
      assertThat(BATCHES.serialize("t", read)).as(what).isEqualTo(record);
      assertThat(BATCHES.serialize("t", builder.build(vm, seq, firstIndex)))
          .as(what)
          .isEqualTo(record);
    }
  }

  private static List<TraceEvent> shaped(Random r) {
    int[] sizes = {0, 1, 2, 17, 300, 5000};
    int n = sizes[r.nextInt(sizes.length)];
    int deviceCount = 1 + r.nextInt(r.nextBoolean() ? 3 : 40);
    String[] devices = new String[deviceCount];
    for (int d = 0; d < deviceCount; d++) {
      devices[d] = d == 1 ? "" : "0000:" + d + ":00.\u00e9";
    }
    int gpaEvery = r.nextInt(3); // 0: none, 1: every event, 2: about half
    int extrasEvery = r.nextInt(4); // 0: none, 1: every event, else: about one in that many
    boolean extremes = r.nextBoolean();
    EventType[] types = EventType.values();
    DmaDirection[] directions = DmaDirection.values();
    List<TraceEvent> out = new ArrayList<>(n);
    long ts = 0;
    for (int i = 0; i < n; i++) {
      ts += extremes && r.nextInt(8) == 0 ? r.nextLong() : r.nextInt(200_000) - 20_000;
      long iova = extremes && r.nextInt(8) == 0 ? r.nextLong() : (long) r.nextInt(1 << 20) << 12;
      Long gpa =
          switch (gpaEvery) {
            case 0 -> null;
            case 1 -> extremes ? r.nextLong() : iova + 0x1000;
            default -> r.nextBoolean() ? null : iova - (r.nextInt(4) << 30);
          };
      TraceEvent e =
          TraceEvent.newBuilder()
              .setType(types[r.nextInt(types.length)])
              .setTsNs(ts)
              .setDevice(devices[r.nextInt(deviceCount)])
              .setIova(iova)
              .setGpa(gpa)
              .setDirection(directions[r.nextInt(directions.length)])
              .setBytes(extremes && r.nextBoolean() ? r.nextLong() : r.nextInt(1 << 16))
              .setCallId(extremes && r.nextBoolean() ? r.nextLong() : i - r.nextInt(3))
              .build();
      if (extrasEvery == 1 || (extrasEvery > 1 && r.nextInt(extrasEvery * 8) == 0)) {
        switch (r.nextInt(3)) {
          case 0 -> e.setGuestMemoryBytes(extremes ? r.nextLong() : 1L << 30);
          case 1 -> e.setHost(r.nextBoolean() ? "h\u00f4te-" + r.nextInt(9) : "host-" + i);
          default -> {
            e.setGuestMemoryBytes(-1 - r.nextInt(5));
            e.setHost("h");
          }
        }
      }
      out.add(e);
    }
    return out;
  }
}
