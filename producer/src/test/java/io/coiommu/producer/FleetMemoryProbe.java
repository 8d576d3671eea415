package io.coiommu.producer;

/**
 * Child-process entry of {@link ConstantMemoryTest}: drains a workload and prints how many events it
 * generated. Run under a small -Xmx, it fails with OutOfMemoryError if generation keeps what it emitted.
 */
public final class FleetMemoryProbe {

  private FleetMemoryProbe() {}

  public static void main(String[] args) {
    long events = 0;
    try (TraceSource s = Workloads.open(args[0])) {
      while (s.hasNext()) {
        s.next();
        events++;
      }
    }
    System.out.println(events);
  }
}
