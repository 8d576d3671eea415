package io.coiommu.producer.synthetic;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The VM kinds a synthetic fleet is made of, and how one VM of a kind is drawn: its device, its
 * rate (spread log-uniformly over an order of magnitude, since fleets mix quiet and busy tenants,
 * times a load factor), and for idle VMs a balloon episode half of the time.
 */
public enum FleetMix {
  NIC,
  STORAGE,
  GPU,
  IDLE;

  public static final String NIC_BDF = "0000:03:00.0";
  public static final String NVME_BDF = "0000:04:00.0";
  public static final String GPU_BDF = "0000:05:00.0";
  private static final long GIB = 1L << 30;
  private static final long MIB = 1L << 20;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** GPUs come with large guests: their buffers must fit. */
  public long guestBytes(long drawn) {
    return this == GPU ? Math.max(drawn, 16 * GIB) : drawn;
  }

  /** Guest sizes a fleet draws from (GiB, with repeats as weights). */
  public static long drawGuestBytes(SplittableRandom plan) {
    long[] gib = {2, 4, 8, 8, 16, 16, 32, 64};
    return gib[plan.nextInt(gib.length)] * GIB;
  }

  public VmSimulation vm(
      String name,
      String host,
      long guestBytes,
      long startNs,
      long stopNs,
      long seed,
      double load,
      SplittableRandom plan) {
    double spread = Math.pow(10, plan.nextDouble());
    List<Activity> activities = new ArrayList<>();
    switch (this) {
      case NIC -> activities.add(new NicTraffic(NIC_BDF, 500 * spread * load, 5, 512));
      case STORAGE ->
          activities.add(
              new StorageIo(
                  NVME_BDF, 100 * spread * load, Math.min(512 * MIB, guestBytes / 8), 0.9));
      case GPU -> activities.add(new GpuBuffers(GPU_BDF, 1 + plan.nextInt(4), 256 * MIB));
      case IDLE -> {
        activities.add(new NicTraffic(NIC_BDF, 20 * load, 5, 256));
        if (plan.nextBoolean()) {
          long life = stopNs - startNs;
          activities.add(new BalloonEpisode(guestBytes / 4, life / 3, life / 3));
        }
      }
      default -> throw new AssertionError(this);
    }
    return new VmSimulation(name, host, guestBytes, startNs, stopNs, seed, activities);
  }

  /** Independent streams per VM, so adding a VM to a plan does not change the others. */
  public static long vmSeed(long seed, int index) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index).nextLong();
  }
}
