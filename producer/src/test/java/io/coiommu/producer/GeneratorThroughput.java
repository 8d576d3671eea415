package io.coiommu.producer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * How fast the synthetic generators run alone: drains each workload spec {@code passes} times on
 * one thread and prints, per pass, {@code EVENTS<TAB>WALL_S<TAB>CPU_S<TAB>EVENTS_PER_WALL_S
 * <TAB>EVENTS_PER_CPU_S<TAB>SPEC}, then the medians. The draining thread's CPU time is given beside
 * the wall time because on a shared machine the wall time measures the other tenants as much as the
 * generator:
 *
 * <pre>
 * java -cp producer/target/classes:producer/target/test-classes:$(cat producer/target/cp.txt) \
 *     io.coiommu.producer.GeneratorThroughput 3 'fleet:hosts=50,vms=1000,duration=10s,seed=3'
 * </pre>
 */
public final class GeneratorThroughput {

  private GeneratorThroughput() {}

  public static void main(String[] args) {
    int passes = Integer.parseInt(args[0]);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (String spec : Arrays.copyOfRange(args, 1, args.length)) {
      double[] perWall = new double[passes];
      double[] perCpu = new double[passes];
      for (int p = 0; p < passes; p++) {
        long wall0 = System.nanoTime();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long events = 0;
        try (TraceSource s = Workloads.open(spec)) {
          while (s.hasNext()) {
            s.next();
            events++;
          }
        }
        double wall = (System.nanoTime() - wall0) / 1e9;
        double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        perWall[p] = events / wall;
        perCpu[p] = events / cpu;
        System.out.printf(
            "%d\t%.2f\t%.2f\t%.0f\t%.0f\t%s%n", events, wall, cpu, perWall[p], perCpu[p], spec);
      }
      System.out.printf("median\t\t\t%.0f\t%.0f\t%s%n", median(perWall), median(perCpu), spec);
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
