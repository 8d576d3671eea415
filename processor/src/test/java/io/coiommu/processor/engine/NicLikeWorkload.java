package io.coiommu.processor.engine;

import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A synthetic NIC-like DMA pattern for one VM, streamed (not stored) so long traces stay cheap:
 *
 * <ul>
 *   <li>two coherent rings (DMA_ALLOC, 16 KiB each) mapped for the VM's whole life;
 *   <li>RX: 1024 posted 2 KiB buffers; each received packet unmaps its buffer and the driver
 *       refills the slot with a buffer from a recycled pool of 4096 pages (as page_pool recycles
 *       pages);
 *   <li>TX: each packet maps its skb head (64-2047 bytes), a 2 KiB slab object of 8192 pages handed
 *       out in rotation, unmapped in completion batches of 64.
 * </ul>
 *
 * Packets arrive at {@code pps} in each direction, with exponential gaps from a fixed seed
 * (deterministic).
 */
final class NicLikeWorkload {

  private static final long PAGE = 4096;
  private static final long RX_POOL_BASE = 256L << 20;
  private static final long TX_SLAB_BASE = 1L << 30;
  private static final int RX_RING = 1024;
  private static final int RX_POOL_PAGES = 4096;
  private static final int TX_SLAB_PAGES = 8192;
  private static final int TX_BATCH = 64;

  private final long guestBytes;
  private final long durationNs;
  private final int pps;

  NicLikeWorkload(long guestBytes, long durationNs, int pps) {
    this.guestBytes = guestBytes;
    this.durationNs = durationNs;
    this.pps = pps;
  }

  void play(Consumer<TraceEvent> out) {
    Random rnd = new Random(42);
    long call = 0;
    out.accept(
        Trace.event(EventType.VM_START, 0)
            .setGuestMemoryBytes(guestBytes)
            .setHost("host-a")
            .build());
    out.accept(
        Trace.event(EventType.DMA_ALLOC, 0)
            .setDevice(Trace.NIC)
            .setIova(0x100_0000L)
            .setGpa(0x100_0000L)
            .setBytes(4 * PAGE)
            .setCallId(++call)
            .build());
    out.accept(
        Trace.event(EventType.DMA_ALLOC, 0)
            .setDevice(Trace.NIC)
            .setIova(0x101_0000L)
            .setGpa(0x101_0000L)
            .setBytes(4 * PAGE)
            .setCallId(++call)
            .build());
    long[] rxSlot = new long[RX_RING];
    int poolNext = 0;
    for (int i = 0; i < RX_RING; i++) {
      rxSlot[i] = rxBuffer(poolNext++);
      out.accept(map(0, rxSlot[i], 2048, ++call));
    }
    List<Long> txPending = new ArrayList<>();
    List<Long> completing = new ArrayList<>();
    long completionAt = Long.MAX_VALUE;
    int rxHead = 0;
    long txNext = 0;
    double meanGapNs = 1e9 / pps;
    long tRx = gap(rnd, meanGapNs);
    long tTx = gap(rnd, meanGapNs);
    while (true) {
      long t = Math.min(tRx, tTx);
      if (t >= durationNs) {
        break;
      }
      if (completionAt <= t) {
        // The device completed the batch: the driver unmaps its buffers in one call.
        long batchCall = ++call;
        for (long gpa : completing) {
          out.accept(unmap(completionAt, gpa, batchCall));
        }
        completing.clear();
        completionAt = Long.MAX_VALUE;
      }
      if (tRx <= tTx) {
        // Receive: unmap the filled buffer, refill the slot from the recycled pool.
        out.accept(unmap(tRx, rxSlot[rxHead], ++call));
        rxSlot[rxHead] = rxBuffer(poolNext++);
        out.accept(map(tRx, rxSlot[rxHead], 2048, ++call));
        rxHead = (rxHead + 1) % RX_RING;
        tRx += gap(rnd, meanGapNs);
      } else {
        // The slab hands out 2 KiB objects in a rotating order: freed objects come back after a
        // while.
        long gpa = TX_SLAB_BASE + (txNext++ % (2 * TX_SLAB_PAGES)) * 2048;
        long bytes = 64 + rnd.nextInt(1984);
        out.accept(map(tTx, gpa, bytes, ++call));
        txPending.add(gpa);
        if (txPending.size() == TX_BATCH && completing.isEmpty()) {
          completing.addAll(txPending);
          txPending.clear();
          completionAt = tTx + 50_000;
        }
        tTx += gap(rnd, meanGapNs);
      }
    }
    out.accept(Trace.event(EventType.VM_STOP, durationNs).build());
  }

  private static long gap(Random rnd, double meanNs) {
    return 1 + (long) (-Math.log(1 - rnd.nextDouble()) * meanNs);
  }

  /**
   * Two 2 KiB RX buffers per pool page, handed out in rotation; iova = gpa (no DMA remapping in the
   * guest).
   */
  private static long rxBuffer(int n) {
    return RX_POOL_BASE + (n % (2 * RX_POOL_PAGES)) * 2048L;
  }

  private static TraceEvent map(long ts, long gpa, long bytes, long call) {
    return Trace.event(EventType.DMA_MAP, ts)
        .setDevice(Trace.NIC)
        .setIova(gpa)
        .setGpa(gpa)
        .setBytes(bytes)
        .setCallId(call)
        .build();
  }

  private static TraceEvent unmap(long ts, long iova, long call) {
    return Trace.event(EventType.DMA_UNMAP, ts)
        .setDevice(Trace.NIC)
        .setIova(iova)
        .setCallId(call)
        .build();
  }
}
