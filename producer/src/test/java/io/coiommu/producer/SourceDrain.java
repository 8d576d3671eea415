package io.coiommu.producer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Drains trace sources and prints, per source, {@code
 * EVENTS<TAB>SECONDS<TAB>EVENTS_PER_SECOND<TAB>SOURCE}. Arguments are workload specs, or {@code
 * file:PATH} for a recorded trace (read as VM guest-1 of 8 GiB on host-0, rejects beside it). The
 * child process of {@link ConstantMemoryTest}, and the throughput measurement of docs/traces.md:
 *
 * <pre>
 * mvn -B -q -pl producer -am test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx64m -cp producer/target/classes:producer/target/test-classes:$(cat producer/target/cp.txt) \
 *     io.coiommu.producer.SourceDrain sample 'fleet:hosts=4,vms=64,duration=10m,seed=7'
 * </pre>
 */
public final class SourceDrain {

  private SourceDrain() {}

  public static void main(String[] args) throws IOException {
    for (String arg : args) {
      long start = System.nanoTime();
      long events = 0;
      try (TraceSource s = open(arg)) {
        while (s.hasNext()) {
          s.next();
          events++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%d\t%.2f\t%.0f\t%s%n", events, seconds, events / seconds, s.describe());
      }
    }
  }

  private static TraceSource open(String arg) throws IOException {
    if (arg.startsWith("file:")) {
      Path file = Path.of(arg.substring(5));
      return TraceFiles.open(
          file, null, new VmIdentity("guest-1", "host-0", 8L << 30), RejectPolicy.keepBeside(file));
    }
    return Workloads.open(arg);
  }
}
