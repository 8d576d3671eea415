package io.coiommu.analytics;

import io.coiommu.schema.WindowResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A plausible run for report and dashboard tests: 4 VMs on 2 hosts, 60 s of trace, 5 scenarios
 * shaped like their policies (static pins everything, strict vIOMMU notifies on every map and
 * unmap, coIOMMU notifies rarely and lazily unpins). The numbers are made up; their shapes are not
 * asserted on, only carried through. Records honour the engine's contract, idle stretches included.
 */
final class SyntheticRun {

  static final long S = Results.S;
  static final List<String> SCENARIOS =
      List.of(
          "static",
          "viommu-strict",
          "coiommu:unpin=off,interval=60s,limit=0,gen=10",
          "coiommu:unpin=lru,interval=10s,limit=8192,gen=10",
          "oracle");
  static final String[][] VMS = {
    {"vm-nic-1", "host-a", "4"},
    {"vm-stor-1", "host-a", "2"},
    {"vm-nic-2", "host-b", "8"},
    {"vm-stor-2", "host-b", "4"}
  };

  private SyntheticRun() {}

  /** Per VM, its records for every scenario, in order. */
  static List<List<WindowResult>> perVm() {
    List<List<WindowResult>> out = new ArrayList<>();
    for (int v = 0; v < VMS.length; v++) {
      for (String scenario : SCENARIOS) {
        out.add(vm(scenario, v));
      }
    }
    return out;
  }

  static RunSummary summary() {
    RunSummary s = new RunSummary();
    perVm().forEach(l -> l.forEach(s::add));
    s.setTemporalLocality(locality());
    return s;
  }

  /**
   * A trace's locality: each of 64 buffers is mapped for 50 us, then comes back after a gap drawn
   * from a mix of short (ring reuse, ~1 ms) and long (idle, ~5 s) waits.
   */
  static DmaTemporalLocality locality() {
    DmaTemporalLocality l = new DmaTemporalLocality(1);
    Random random = new Random(42);
    for (int buffer = 0; buffer < 64; buffer++) {
      long t = random.nextInt(1_000_000);
      long gpa = 0x100000L + buffer * 0x2000L;
      while (t < 60 * S) {
        l.accept(
            "vm-nic-1",
            DmaTemporalLocalityTest.event(io.coiommu.schema.EventType.DMA_MAP, t, gpa, gpa, 4096));
        t += 50_000;
        l.accept(
            "vm-nic-1",
            DmaTemporalLocalityTest.event(
                io.coiommu.schema.EventType.DMA_UNMAP, t, gpa, null, 4096));
        double mean = random.nextInt(10) == 0 ? 5e9 : 1e6;
        t += (long) (-mean * Math.log(1 - random.nextDouble()));
      }
    }
    l.end("vm-nic-1");
    return l;
  }

  private static List<WindowResult> vm(String scenario, int v) {
    Random random = new Random(v);
    String name = VMS[v][0];
    long guestPages = Long.parseLong(VMS[v][2]) * Results.GIB / 4096;
    long start = v * 1_300_000_000L;
    long stop = 60 * S - v * 700_000_000L;
    boolean nic = name.contains("nic");
    long pinned = scenario.equals("static") ? guestPages : 0;
    List<WindowResult> records = new ArrayList<>();
    long t = start;
    long w = 0;
    while (t < stop) {
      long end = Math.min(stop, (t / S + 1) * S);
      // vm-stor-1 idles from 20 s to 30 s: one record covers the stretch.
      boolean idle = name.equals("vm-stor-1") && t >= 20 * S && t < 30 * S;
      if (idle) {
        end = 30 * S;
      }
      long mapped =
          idle
              ? 0
              : (nic ? 2048 : 512)
                  + random.nextInt(nic ? 1024 : 4096)
                  + (long) (w % 20) * (nic ? 40 : 200);
      long calls = idle ? 0 : (nic ? 20_000 : 3_000) + random.nextInt(2_000);
      long before = pinned;
      long notifications;
      switch (scenario.substring(
          0, Math.max(scenario.indexOf(':'), 0) == 0 ? scenario.length() : scenario.indexOf(':'))) {
        case "static" -> notifications = 0;
        case "oracle" -> {
          pinned = mapped;
          notifications = 0;
        }
        case "viommu-strict" -> {
          pinned = mapped;
          notifications = 2 * calls;
        }
        default -> {
          boolean lru = scenario.contains("unpin=lru");
          long grown = Math.max(pinned, mapped + random.nextInt(256));
          pinned =
              lru && w % 10 == 9 ? mapped + mapped / 4 : grown + (lru ? 0 : random.nextInt(64));
          notifications = idle ? 0 : Math.max(0, pinned - before) / 8 + random.nextInt(20);
        }
      }
      long span = end - t;
      records.add(
          WindowResult.newBuilder()
              .setScenario(scenario)
              .setVm(name)
              .setHost(VMS[v][1])
              .setGuestBytes(guestPages * 4096)
              .setWindowStartNs(t)
              .setWindowEndNs(end)
              .setLast(end == stop)
              .setPinnedPages(pinned)
              .setPeakPinnedPages(Math.max(pinned, before))
              .setPinnedPageNanos((before + pinned) / 2 * span)
              .setAvgPinnedBytes((before + pinned) / 2.0 * 4096)
              .setMappedPages(mapped)
              .setPeakMappedPages(mapped)
              .setNotifications(notifications)
              .setExits(notifications)
              .setPins(Math.max(0, pinned - before))
              .setUnpins(Math.max(0, before - pinned))
              .setMapCalls(calls)
              .setMapCallsNoExit(
                  scenario.startsWith("coiommu") ? Math.max(0, calls - notifications) : 0)
              .setDttBytes(scenario.startsWith("coiommu") ? 4096 * (1 + w / 4) : 0)
              .setBootPinnedPages(scenario.equals("static") && w == 0 ? guestPages : 0)
              .setCpuCostNs(notifications * 1_500 + Math.abs(pinned - before) * 200)
              .build());
      t = end;
      w++;
    }
    return records;
  }
}
