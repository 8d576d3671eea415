package io.coiommu.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.AvroSerde;
import io.coiommu.schema.DmaDirection;
import io.coiommu.schema.EventBatch;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.EventType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Pins where {@link VmBatcher} cuts a fleet-like trace, batch by batch, and the bytes it hands the
 * producer: the batch boundaries decide what the processor's tasks see per commit, and so its
 * results, so a faster batcher must cut exactly where the old one did. The digests were computed
 * with the batcher and encoder of main at 6b832bf, before the producer thread's bookkeeping was
 * reworked (issue #14 target 2): a moved boundary, a reordered flush or a changed byte fails them.
 */
class VmBatcherBoundariesTest {

  private static final AvroSerde<EventBatch> SERDE = AvroSerde.of(EventBatch.class);

  /** Why a batch went out, told from outside the batcher, so the test can see every path ran. */
  private enum Cut {
    FULL,
    VM_STOP,
    PENDING_CAP,
    AGE,
    FLUSH_ALL
  }

  /**
   * Two digests of the batches of a run: of their (vm, seq, firstIndex, size) sequence and of their
   * (key, serialized value) sequence; and how many batches went out for each reason.
   */
  private static final class Recorder {
    final MessageDigest boundaries = sha256();
    final MessageDigest wire = sha256();
    final Map<Cut, Integer> cuts = new EnumMap<>(Cut.class);
    final int maxBatch;
    final int maxPending;
    long added;
    long sent;
    long nowNs;
    boolean flushingAll;
    long batches;

    Recorder(int maxBatch, int maxPending) {
      this.maxBatch = maxBatch;
      this.maxPending = maxPending;
    }

    /**
     * A batcher with this recorder's bounds that hands it every record, as TraceProducer sends it.
     */
    VmBatcher batcher() {
      return new VmBatcher(
          maxBatch,
          maxPending,
          (vm, seq, firstIndex, events) -> accept(vm, events.encode(vm, seq, firstIndex)));
    }

    void accept(String key, byte[] value) {
      EventBatch b = SERDE.deserialize("t", value);
      assertThat(key).isEqualTo(b.getVm());
      EventColumns c = EventColumns.of(b);
      int n = c.size();
      long pendingBefore = added - sent;
      Cut cut;
      if (flushingAll) {
        cut = Cut.FLUSH_ALL;
      } else if (n == maxBatch) {
        cut = Cut.FULL;
      } else if (c.type(n - 1) == EventType.VM_STOP) {
        cut = Cut.VM_STOP;
      } else if (nowNs - c.tsNs(0) >= VmBatcher.MAX_PENDING_TRACE_NS) {
        cut = Cut.AGE;
      } else {
        assertThat(pendingBefore).as("a batch cut for the cap").isGreaterThan(maxPending / 2);
        cut = Cut.PENDING_CAP;
      }
      cuts.merge(cut, 1, Integer::sum);
      sent += n;
      batches++;
      String line = b.getVm() + "\t" + b.getSeq() + "\t" + b.getFirstIndex() + "\t" + n + "\n";
      boundaries.update(line.getBytes(StandardCharsets.UTF_8));
      wire.update(key.getBytes(StandardCharsets.UTF_8));
      wire.update(value);
    }

    void add(VmBatcher batcher, VmEvent e) {
      added++;
      nowNs = Math.max(nowNs, e.event().getTsNs());
      batcher.add(e);
    }

    void flushAll(VmBatcher batcher) {
      flushingAll = true;
      batcher.flushAll();
      flushingAll = false;
      assertThat(sent).isEqualTo(added);
    }

    String boundariesHex() {
      return HexFormat.of().formatHex(boundaries.digest());
    }

    String wireHex() {
      return HexFormat.of().formatHex(wire.digest());
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every Java platform has SHA-256", e);
    }
  }

  /**
   * 400 VMs over 60 s of trace: 4 very busy ones (their batches fill), 36 busy ones, 320 of
   * middling rate and 40 quiet ones that send an event every 10-20 s (their batches go out by age);
   * one event in two goes to the VM of the one before, as in a generated fleet; VM_STOPs now and
   * then (a stopped VM may start again); every event type, gpas present and absent, devices named
   * by equal but distinct strings, extras, and timestamps a little out of order.
   */
  @Test
  void aFleetLikeTraceIsCutWhereMainCutIt() {
    Recorder r = new Recorder(500, 20_000);
    VmBatcher batcher = r.batcher();
    Random rnd = new Random(14);
    String[] vms = new String[400];
    for (int k = 0; k < vms.length; k++) {
      vms[k] = "vm-" + k;
    }
    String[] devices = {"nvme0", "eth0", "gpu0", "eth1"};
    long ts = 0;
    long nextQuietNs = 0;
    int vm = 0;
    for (int i = 0; i < 300_000; i++) {
      ts += rnd.nextInt(400_000);
      long eventTs = ts - (rnd.nextInt(16) == 0 ? rnd.nextInt(50_000) : 0);
      if (ts >= nextQuietNs) {
        vm = 360 + rnd.nextInt(40);
        nextQuietNs = ts + 250_000_000L + rnd.nextInt(250_000_000);
      } else if (rnd.nextBoolean()) {
        int pick = rnd.nextInt(10);
        vm = pick < 3 ? rnd.nextInt(4) : pick < 7 ? 4 + rnd.nextInt(36) : 40 + rnd.nextInt(320);
      }
      // A fresh String now and then: the batcher must go by the VM's name, not its object.
      String name = rnd.nextInt(50) == 0 ? new String(vms[vm]) : vms[vm];
      String device = devices[rnd.nextInt(devices.length)];
      if (rnd.nextInt(20) == 0) {
        device = new String(device);
      }
      long iova = (long) rnd.nextInt(1 << 20) << 12;
      long gpa = rnd.nextBoolean() ? iova : (long) rnd.nextInt(1 << 22) << 12;
      long bytes = 4096L << rnd.nextInt(6);
      long callId = i + rnd.nextInt(8);
      int kind = rnd.nextInt(1000);
      var event =
          kind < 2
              ? Events.vmStop(eventTs)
              : kind < 4
                  ? Events.vmStart(eventTs, "host-" + (vm % 7), (1L + vm % 5) << 30)
                  : kind < 300
                      ? Events.map(
                          eventTs,
                          device,
                          iova,
                          gpa,
                          bytes,
                          DmaDirection.values()[rnd.nextInt(3)],
                          callId)
                      : kind < 550
                          ? Events.unmap(
                              eventTs, device, iova, rnd.nextBoolean() ? null : gpa, bytes, callId)
                          : kind < 900
                              ? Events.access(eventTs, device, gpa, bytes)
                              : kind < 940
                                  ? Events.alloc(
                                      eventTs,
                                      device,
                                      iova,
                                      gpa,
                                      bytes,
                                      DmaDirection.FROM_DEVICE,
                                      callId)
                                  : kind < 970
                                      ? Events.free(eventTs, device, iova, null, bytes)
                                      : kind < 985
                                          ? Events.balloonInflate(eventTs, gpa, bytes)
                                          : kind < 995
                                              ? Events.balloonDeflate(eventTs, gpa, bytes)
                                              : Events.ioPageFault(eventTs, device, iova);
      r.add(batcher, new VmEvent(name, event));
    }
    r.flushAll(batcher);

    assertThat(r.cuts).containsOnlyKeys(Cut.values());
    assertThat(r.cuts.get(Cut.AGE)).as("quiet VMs' batches cut by age").isGreaterThan(20);
    assertThat(r.cuts.get(Cut.PENDING_CAP)).as("batches cut at the cap").isGreaterThan(100);
    assertThat(r.cuts.get(Cut.VM_STOP)).isGreaterThan(100);
    assertThat(r.cuts.get(Cut.FULL)).isGreaterThan(50);
    assertThat(batcher.batches()).isEqualTo(r.batches);
    System.out.printf("fleet-like trace: %d batches, by cut %s%n", r.batches, r.cuts);
    assertThat(r.boundariesHex())
        .isEqualTo("5ac64b4da61e262b4d3e7a965075cb289a577bf8ab5e18cf9358c6b8465bf0d7");
    assertThat(r.wireHex())
        .as("wire")
        .isEqualTo("ef286d153c1d3532c63b75ad3e95a157a0b10c3dc2bbfb99240e22d112ce52d3");
  }

  /** A generated fleet of 300 VMs, with the pending cap small enough to be hit. */
  @Test
  void aGeneratedFleetIsCutWhereMainCutIt() {
    Recorder r = new Recorder(4096, 40_000);
    VmBatcher batcher = r.batcher();
    try (TraceSource s =
        EndOfTrace.stopOpenVms(Workloads.open("fleet:hosts=15,vms=300,duration=1s,seed=7"))) {
      while (s.hasNext()) {
        r.add(batcher, s.next());
      }
    }
    r.flushAll(batcher);
    assertThat(r.cuts.get(Cut.PENDING_CAP)).isGreaterThan(50);
    assertThat(r.cuts.get(Cut.VM_STOP)).isGreaterThan(100);
    System.out.printf(
        "generated fleet: %d events in %d batches, by cut %s%n", r.added, r.batches, r.cuts);
    assertThat(r.boundariesHex())
        .isEqualTo("ea32e7c7565d3c9095c700d2a1af7edc8e2663da95b785039c0cc536cf1e9718");
    assertThat(r.wireHex())
        .as("wire")
        .isEqualTo("f66dd72512566942874dfd4d2ec75b35c932aa0aad5ccd4dcb2330f5fc9f0300");
  }
}
