package io.coiommu.producer;

import io.coiommu.producer.synthetic.Activity;
import io.coiommu.producer.synthetic.BalloonEpisode;
import io.coiommu.producer.synthetic.FleetMix;
import io.coiommu.producer.synthetic.GpuBuffers;
import io.coiommu.producer.synthetic.NicTraffic;
import io.coiommu.producer.synthetic.SimulatedVms;
import io.coiommu.producer.synthetic.StorageIo;
import io.coiommu.producer.synthetic.VmSimulation;
import io.coiommu.producer.trace.TraceReaders;
import io.coiommu.schema.Quantities;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Synthetic workloads by spec ({@code NAME[:KEY=VALUE,...]}, grammar in docs/traces.md). Every
 * workload is deterministic for its seed and streams in constant memory.
 */
public final class Workloads {

  /** The built-in sample that {@code coiommu run} replays when given nothing else. */
  public static final String SAMPLE = "sample";

  private static final String NIC_BDF = FleetMix.NIC_BDF;
  private static final String NVME_BDF = FleetMix.NVME_BDF;
  private static final String GPU_BDF = FleetMix.GPU_BDF;
  private static final long GIB = 1L << 30;
  private static final long MIB = 1L << 20;
  private static final long SECOND = 1_000_000_000L;

  private Workloads() {}

  /** The workload names {@link #open} knows. */
  public static List<String> names() {
    return List.of("sample", "nic", "storage", "nvme", "gpu", "idle", "balloon", "fleet", "azure");
  }

  public static TraceSource open(String spec) {
    WorkloadSpec s = WorkloadSpec.parse(spec);
    TraceSource source =
        switch (s.name()) {
          case "sample" -> sample(s);
          case "nic", "storage", "nvme", "gpu", "idle", "balloon" -> single(s);
          case "fleet" -> fleet(s);
          case "azure" -> azure(s);
          default ->
              throw new IllegalArgumentException(
                  "unknown workload '"
                      + s.name()
                      + "' in '"
                      + spec
                      + "' (known: "
                      + String.join(", ", names())
                      + ")");
        };
    s.rejectUnknownKeys();
    return source;
  }

  /**
   * Five VMs on two hosts over 90 s, about two million events: two NICs of different rates, a
   * page-cache-heavy NVMe disk, a GPU holding large buffers, and a mostly idle VM whose memory is
   * ballooned out and given back.
   */
  private static TraceSource sample(WorkloadSpec s) {
    long seed = (long) s.number("seed", 1);
    long duration = s.nanos("duration", 90 * SECOND);
    List<VmSimulation> vms =
        List.of(
            vm(
                "nic-a",
                "host-a",
                8 * GIB,
                0,
                duration,
                seed,
                0,
                new NicTraffic(NIC_BDF, 5000, 5, 512)),
            vm(
                "storage-a",
                "host-a",
                16 * GIB,
                0,
                duration,
                seed,
                1,
                new StorageIo(NVME_BDF, 800, 1 * GIB, 0.9)),
            vm(
                "nic-b",
                "host-b",
                4 * GIB,
                0,
                duration,
                seed,
                2,
                new NicTraffic(NIC_BDF, 2000, 5, 256)),
            vm(
                "gpu-b",
                "host-b",
                32 * GIB,
                0,
                duration,
                seed,
                3,
                new GpuBuffers(GPU_BDF, 4, 256 * MIB)),
            vm(
                "idle-b",
                "host-b",
                2 * GIB,
                0,
                duration,
                seed,
                4,
                new NicTraffic(NIC_BDF, 20, 5, 256),
                new BalloonEpisode(512 * MIB, duration / 3, duration / 3)));
    return new SimulatedVms(
        "sample: 5 VMs on 2 hosts, " + seconds(duration) + ", seed " + seed, vms);
  }

  private static TraceSource single(WorkloadSpec s) {
    String kind = s.name().equals("nvme") ? "storage" : s.name();
    long seed = (long) s.number("seed", 1);
    long duration = s.nanos("duration", 60 * SECOND);
    String vmName = s.string("vm", kind + "-0");
    String host = s.string("host", "host-0");
    long mem = s.bytes("mem", kind.equals("gpu") ? 32 * GIB : 8 * GIB);
    List<Activity> activities = new ArrayList<>();
    switch (kind) {
      case "nic" ->
          activities.add(
              new NicTraffic(
                  s.string("device", NIC_BDF),
                  s.number("pps", 10_000),
                  Math.max(1, s.number("burst", 5)),
                  s.count("ring", 512, 1)));
      case "storage" -> {
        long ws = s.bytes("ws", Math.min(1 * GIB, mem / 4));
        if (ws > mem / 2) {
          throw new IllegalArgumentException(
              "workload '"
                  + s.text()
                  + "': working set "
                  + Quantities.formatBytes(ws)
                  + " does not fit in half of the guest's "
                  + Quantities.formatBytes(mem));
        }
        activities.add(
            new StorageIo(
                s.string("device", NVME_BDF), s.number("iops", 2000), ws, s.share("reuse", 0.9)));
      }
      case "gpu" -> {
        int buffers = s.count("buffers", 4, 0);
        long bufSize = s.bytes("bufsize", 256 * MIB);
        if ((double) buffers * bufSize > mem / 2.0) {
          throw new IllegalArgumentException(
              "workload '" + s.text() + "': GPU buffers do not fit in half of the guest");
        }
        activities.add(new GpuBuffers(s.string("device", GPU_BDF), buffers, bufSize));
      }
      case "idle", "balloon" -> {
        activities.add(new NicTraffic(s.string("device", NIC_BDF), s.number("pps", 20), 5, 256));
        long balloon = s.bytes("balloon", kind.equals("balloon") ? mem / 4 : 0);
        if (balloon > mem / 2) {
          throw new IllegalArgumentException(
              "workload '" + s.text() + "': balloon larger than half the guest");
        }
        long at = s.nanos("at", duration / 3);
        long hold = s.nanos("hold", duration / 3);
        if (s.has("balloon") || kind.equals("balloon")) {
          activities.add(new BalloonEpisode(balloon, at, hold));
        }
      }
      default -> throw new AssertionError(kind);
    }
    VmSimulation vm =
        new VmSimulation(vmName, host, mem, 0, duration, FleetMix.vmSeed(seed, 0), activities);
    return new SimulatedVms(
        kind
            + ": VM "
            + vmName
            + " on "
            + host
            + ", "
            + Quantities.formatBytes(mem)
            + ", "
            + seconds(duration)
            + ", seed "
            + seed,
        List.of(vm));
  }

  /**
   * Hosts x VMs with a workload mix. A share ({@code churn}) of the VMs arrives during the run and
   * as many leave before its end, so the fleet sees arrivals and departures.
   */
  private static TraceSource fleet(WorkloadSpec s) {
    int hosts = s.count("hosts", 4, 1);
    int vmCount = s.count("vms", 16, 1);
    long duration = s.nanos("duration", 10 * 60 * SECOND);
    long seed = (long) s.number("seed", 1);
    double load = s.number("load", 1);
    double churn = s.share("churn", 0.25);
    double[] weights = {
      s.number("nic", 4), s.number("storage", 3), s.number("gpu", 1), s.number("idle", 2)
    };
    double total = weights[0] + weights[1] + weights[2] + weights[3];
    if (total <= 0) {
      throw new IllegalArgumentException(
          "workload '" + s.text() + "': the mix weights are all zero");
    }
    SplittableRandom plan = new SplittableRandom(seed);
    List<VmSimulation> vms = new ArrayList<>(vmCount);
    for (int i = 0; i < vmCount; i++) {
      double pick = plan.nextDouble() * total;
      int kind = 0;
      while (kind < 3 && pick >= weights[kind]) {
        pick -= weights[kind];
        kind++;
      }
      FleetMix type = FleetMix.values()[kind];
      long mem = type.guestBytes(FleetMix.drawGuestBytes(plan));
      boolean arrivesLate = plan.nextDouble() < churn;
      boolean leavesEarly = plan.nextDouble() < churn;
      long start = arrivesLate ? (long) (plan.nextDouble() * duration * 0.8) : 0;
      long stop =
          leavesEarly
              ? start + (long) ((0.1 + 0.9 * plan.nextDouble()) * (duration - start))
              : duration;
      String name = String.format("vm-%04d-%s", i, type.label());
      String host = String.format("host-%02d", i % hosts);
      vms.add(type.vm(name, host, mem, start, stop, FleetMix.vmSeed(seed, i), load, plan));
    }
    return new SimulatedVms(
        "fleet: "
            + vmCount
            + " VMs on "
            + hosts
            + " hosts, "
            + seconds(duration)
            + ", seed "
            + seed,
        vms);
  }

  /**
   * A fleet whose VM lifecycles come from an Azure Public Dataset V2 vmtable.csv ({@code file=}),
   * with the plan in the user's hands. Bad rows are kept in {@code <file>.rejects}.
   */
  private static TraceSource azure(WorkloadSpec s) {
    String file = s.string("file", null);
    if (file == null) {
      throw new IllegalArgumentException(
          "workload '" + s.text() + "': azure needs file=PATH of a vmtable.csv");
    }
    Path table = Path.of(file);
    long window = s.nanos("window", 86_400 * SECOND) / SECOND;
    if (window <= 0) {
      throw new IllegalArgumentException(
          "workload '" + s.text() + "': window must be at least 1 s");
    }
    try {
      return TraceReaders.azure(
          table,
          s.count("vms", 64, 1),
          s.count("hosts", 8, 1),
          window,
          s.nanos("duration", 10 * 60 * SECOND),
          (long) s.number("seed", 1),
          s.number("load", 1),
          RejectPolicy.keepBeside(table));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + table, e);
    }
  }

  private static VmSimulation vm(
      String name,
      String host,
      long mem,
      long start,
      long stop,
      long seed,
      int index,
      Activity... activities) {
    return new VmSimulation(
        name, host, mem, start, stop, FleetMix.vmSeed(seed, index), List.of(activities));
  }

  private static String seconds(long nanos) {
    return (nanos % SECOND == 0
            ? Long.toString(nanos / SECOND)
            : String.format("%.3f", nanos / 1e9))
        + " s";
  }
}
