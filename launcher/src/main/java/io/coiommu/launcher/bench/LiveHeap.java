package io.coiommu.launcher.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Bytes of the objects still reachable, for figures of retained heap: read before and after
 * building something kept reachable, the difference is what it retains.
 *
 * <p>HotSpot's class histogram ({@code GC.class_histogram}, a full GC first) sums the objects' own
 * sizes. The used heap after full GCs, read before, also counted how G1 lays the objects out: an
 * array of half a region or more takes whole regions of its own, and regions grow with the heap, so
 * the same emulators read 12.1 / 18.6 B per tracked page under -Xmx16g (8 MiB regions) against 10.0
 * / 14.4 under the default heap (4 MiB) on the same trace (issue #14); the histogram reads 7.9 /
 * 10.2 under both. Where the JVM has no histogram (not HotSpot), the used heap after full GCs is
 * read instead.
 */
final class LiveHeap {

  private static final ObjectName DIAGNOSTIC_COMMAND = diagnosticCommand();

  private LiveHeap() {}

  private static ObjectName diagnosticCommand() {
    try {
      return new ObjectName("com.sun.management:type=DiagnosticCommand");
    } catch (MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Bytes of the live objects, after a full GC. */
  static long bytes() {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    if (!server.isRegistered(DIAGNOSTIC_COMMAND)) {
      return usedAfterGc();
    }
    try {
      // GC.class_histogram without -all: a full GC first, then only reachable objects.
      String histogram =
          (String)
              server.invoke(
                  DIAGNOSTIC_COMMAND,
                  "gcClassHistogram",
                  new Object[] {new String[0]},
                  new String[] {String[].class.getName()});
      return histogramTotalBytes(histogram);
    } catch (JMException e) {
      throw new IllegalStateException("could not read the class histogram", e);
    }
  }

  /** The bytes of the histogram's last line, {@code Total <instances> <bytes>}. */
  static long histogramTotalBytes(String histogram) {
    for (String line : histogram.lines().toList()) {
      String[] words = line.trim().split("\\s+");
      if (words.length == 3 && words[0].equals("Total")) {
        return Long.parseLong(words[2]);
      }
    }
    throw new IllegalStateException(
        "no Total line in the class histogram: "
            + histogram.substring(Math.max(0, histogram.length() - 200)));
  }

  /** Full GCs until the used heap stops shrinking, then the used heap. */
  private static long usedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      long now = memory.getHeapMemoryUsage().getUsed();
      if (now >= used) {
        return now;
      }
      used = now;
    }
    return used;
  }
}
