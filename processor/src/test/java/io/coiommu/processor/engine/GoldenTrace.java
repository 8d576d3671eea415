package io.coiommu.processor.engine;

import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A deterministic page-heavy trace of one VM with every shape the engine's per-page state must
 * handle: GPU-like scatter-gather calls of 1-2048 pages sharing a call id, NIC-like 1-page churn, a
 * second device mapping pages the first one maps (counts of 2 and more), unmaps by iova only,
 * balloon inflates over mapped and unmapped ranges, accesses, idle stretches across windows and
 * scan intervals, a few malformed events, and VM_STOP.
 */
final class GoldenTrace {

  private static final long PAGE = 4096;
  private static final String GPU = "0000:01:00.0";
  private static final String NVME = "0000:04:00.0";
  private static final long GUEST_BYTES = 4L << 30;

  /** GPU buffers live in the first 64 Ki pages so that calls overlap each other and the NVMe's. */
  private static final long GPU_PAGES = 1 << 16;

  private static final long NIC_POOL = 256L << 20;

  private GoldenTrace() {}

  static List<TraceEvent> generate(long seed, long durationNs) {
    Random rnd = new Random(seed);
    List<TraceEvent> out = new ArrayList<>();
    List<long[][]> gpuCalls = new ArrayList<>(); // per call: {iova, gpa, bytes} ranges
    List<long[]> nvme = new ArrayList<>();
    List<Long> nic = new ArrayList<>();
    long ts = 0;
    long call = 0;
    long nextIova = 1L << 40;
    long nicNext = 0;
    out.add(
        Trace.event(EventType.VM_START, ts).setGuestMemoryBytes(GUEST_BYTES).setHost("h").build());
    while (ts < durationNs) {
      int r = rnd.nextInt(1000);
      if (r < 1 && rnd.nextBoolean()) {
        // An idle stretch of several windows, often longer than a scan interval.
        ts += (1 + rnd.nextInt(12_000)) * Trace.MS;
      } else if (r < 4) {
        // Exactly onto a window boundary.
        ts = (ts / Trace.S + 1) * Trace.S;
      } else {
        ts += rnd.nextInt(2_000_000);
      }
      int a = rnd.nextInt(100);
      if (a < 30) {
        // NIC churn: unmap the oldest RX buffer by iova, post a new one from a recycled pool of 512
        // pages.
        if (nic.size() >= 64) {
          long iova = nic.remove(0);
          out.add(unmap(ts, Trace.NIC, iova, ++call));
        }
        long gpa = NIC_POOL + (nicNext++ % 1024) * 2048;
        long iova = nextIova;
        nextIova += 2 * PAGE;
        out.add(
            map(
                ts,
                Trace.NIC,
                iova,
                gpa,
                rnd.nextBoolean() ? 2048 : 64 + rnd.nextInt(3000),
                ++call));
        nic.add(iova);
      } else if (a < 44) {
        // A GPU scatter-gather call: 1-4 ranges, one call id, mostly small, now and then up to 2048
        // pages.
        int ranges = 1 + rnd.nextInt(4);
        long id = ++call;
        long[][] rs = new long[ranges][];
        for (int k = 0; k < ranges; k++) {
          double u = rnd.nextDouble();
          long pages = 1 + (long) (2047 * u * u * u);
          long gpa = rnd.nextLong(GPU_PAGES) * PAGE + (rnd.nextInt(4) == 0 ? 512 : 0);
          long bytes = pages * PAGE - (rnd.nextInt(3) == 0 ? rnd.nextInt(4000) : 0);
          long iova = nextIova;
          nextIova += (pages + 2) * PAGE;
          rs[k] = new long[] {iova, gpa, bytes};
          out.add(map(ts, GPU, iova, gpa, bytes, id));
        }
        gpuCalls.add(rs);
      } else if (a < 56) {
        if (!gpuCalls.isEmpty()) {
          // Unmap one earlier call, every range in one call, by iova only (now and then with gpa
          // and bytes).
          long[][] rs = gpuCalls.remove(rnd.nextInt(gpuCalls.size()));
          long id = ++call;
          for (long[] m : rs) {
            TraceEvent.Builder b =
                Trace.event(EventType.DMA_UNMAP, ts).setDevice(GPU).setIova(m[0]).setCallId(id);
            int v = rnd.nextInt(20);
            if (v == 0) {
              b.setGpa(m[1]).setBytes(m[2]);
            } else if (v == 1) {
              b.setBytes(m[2] + 1);
            }
            out.add(b.build());
          }
        }
      } else if (a < 64) {
        // The NVMe maps part of what the GPU maps: pages with two and more mappings.
        long gpa =
            gpuCalls.isEmpty() || rnd.nextInt(4) == 0
                ? rnd.nextLong(GPU_PAGES) * PAGE
                : gpuCalls.get(rnd.nextInt(gpuCalls.size()))[0][1] + rnd.nextInt(8) * PAGE;
        long bytes = (1 + rnd.nextInt(64)) * PAGE;
        long iova = nextIova;
        nextIova += 66 * PAGE;
        out.add(map(ts, NVME, iova, gpa, bytes, ++call));
        nvme.add(new long[] {iova, gpa, bytes});
      } else if (a < 70) {
        if (!nvme.isEmpty()) {
          out.add(unmap(ts, NVME, nvme.remove(rnd.nextInt(nvme.size()))[0], ++call));
        }
      } else if (a < 73) {
        // Balloon over the GPU area (mapped pages refuse) or over memory no device uses.
        long base =
            rnd.nextBoolean() ? rnd.nextLong(GPU_PAGES) : (1L << 19) + rnd.nextLong(1L << 18);
        long pages = 1 + (rnd.nextInt(3) == 0 ? rnd.nextInt(4096) : rnd.nextInt(16));
        out.add(
            Trace.event(EventType.BALLOON_INFLATE, ts)
                .setGpa(base * PAGE)
                .setBytes(pages * PAGE)
                .build());
      } else if (a < 74) {
        out.add(
            Trace.event(EventType.BALLOON_DEFLATE, ts)
                .setGpa(rnd.nextLong(GPU_PAGES) * PAGE)
                .setBytes((1 + rnd.nextInt(64)) * PAGE)
                .build());
      } else if (a < 78) {
        if (!gpuCalls.isEmpty()) {
          long[] m = gpuCalls.get(rnd.nextInt(gpuCalls.size()))[0];
          out.add(
              Trace.event(EventType.DMA_ACCESS, ts)
                  .setDevice(GPU)
                  .setGpa(m[1])
                  .setBytes(m[2])
                  .build());
        } else {
          out.add(
              Trace.event(EventType.DMA_ACCESS, ts)
                  .setDevice(GPU)
                  .setGpa(PAGE)
                  .setBytes(PAGE)
                  .build());
        }
      } else if (a < 79) {
        int bad = rnd.nextInt(4);
        if (bad == 0) {
          out.add(unmap(ts, GPU, 12345, ++call));
        } else if (bad == 1 && !nic.isEmpty()) {
          out.add(map(ts, Trace.NIC, nic.get(0), NIC_POOL, 2048, ++call));
        } else if (bad == 2) {
          out.add(
              Trace.event(EventType.IO_PAGE_FAULT, ts).setDevice(GPU).setIova(nextIova).build());
        } else {
          out.add(
              Trace.event(EventType.DMA_MAP, Math.max(0, ts - 1_000_000))
                  .setDevice(NVME)
                  .setIova(nextIova)
                  .setGpa(rnd.nextLong(GPU_PAGES) * PAGE)
                  .setBytes(PAGE)
                  .setCallId(++call)
                  .build());
          nvme.add(new long[] {nextIova, 0, PAGE});
          nextIova += 2 * PAGE;
        }
      }
    }
    out.add(Trace.event(EventType.VM_STOP, ts + 1).build());
    return out;
  }

  private static TraceEvent map(
      long ts, String device, long iova, long gpa, long bytes, long call) {
    return Trace.event(EventType.DMA_MAP, ts)
        .setDevice(device)
        .setIova(iova)
        .setGpa(gpa)
        .setBytes(bytes)
        .setCallId(call)
        .build();
  }

  private static TraceEvent unmap(long ts, String device, long iova, long call) {
    return Trace.event(EventType.DMA_UNMAP, ts)
        .setDevice(device)
        .setIova(iova)
        .setCallId(call)
        .build();
  }
}
