package io.coiommu.launcher.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of every thread of this process by role, from Linux's {@code /proc/self/task}: the JVM's
 * own GC and JIT threads are there too, which no MXBean counts, and on two cores they share the CPU
 * with the pipeline. Elsewhere it finds nothing and says so.
 */
final class ThreadCpu {

  /** The role of Streams' threads, which run the processor. */
  static final String STREAM_THREADS = "stream threads";

  /** The role of the JVM's compiler threads. */
  static final String JIT = "JIT";

  private static final Path TASKS = Path.of("/proc/self/task");

  /** Clock ticks per second of {@code stat}'s utime and stime: USER_HZ, 100 on Linux. */
  private static final double TICKS_PER_SECOND = 100;

  /** Per thread id, its name and CPU ticks so far. */
  private final Map<String, Sample> threads;

  private record Sample(String role, long ticks) {}

  private ThreadCpu(Map<String, Sample> threads) {
    this.threads = threads;
  }

  static ThreadCpu now() {
    Map<String, Sample> threads = new HashMap<>();
    if (!Files.isDirectory(TASKS)) {
      return new ThreadCpu(threads);
    }
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          // The name is in parentheses and may hold spaces; the fields after it are fixed.
          int close = stat.lastIndexOf(')');
          String name = stat.substring(stat.indexOf('(') + 1, close);
          String[] f = stat.substring(close + 2).split(" ");
          long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
          threads.put(task.getFileName().toString(), new Sample(role(name), ticks));
        } catch (IOException | RuntimeException ended) {
          // The thread ended while we read it: its time is not ours to count any more.
        }
      }
    } catch (IOException e) {
      return new ThreadCpu(Map.of());
    }
    return new ThreadCpu(threads);
  }

  /**
   * What a thread does, from the first 15 characters of its name that Linux keeps: the bench's main
   * thread runs the trace producer, and Streams' threads are named after the application id.
   */
  static String role(String name) {
    if (name.equals("java")) {
      return "trace producer (main)";
    }
    if (name.startsWith("coiommu-process")) {
      return STREAM_THREADS;
    }
    if (name.startsWith("kafka-producer-")) {
      return "producers' network threads";
    }
    if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
      return "GC";
    }
    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
      return JIT;
    }
    if (name.startsWith("ForkJoinPool")) {
      return "results consumer";
    }
    if (name.startsWith("data-plane-kaf")) {
      return "broker's request threads";
    }
    return name.replaceAll("[0-9]+", "N");
  }

  /** Seconds of CPU per role between {@code before} and this sample, largest first. */
  Map<String, Double> since(ThreadCpu before) {
    Map<String, Double> seconds = new TreeMap<>();
    threads.forEach(
        (tid, s) -> seconds.merge(s.role, ticksSince(before, tid) / TICKS_PER_SECOND, Double::sum));
    return seconds;
  }

  /**
   * The largest share one thread of {@code role} took of that role's CPU between {@code before} and
   * this sample; NaN where the role used none. Streams' threads each own whole partitions, so when
   * one holds the busiest VMs it works on alone after the others ran dry.
   */
  double busiestShare(ThreadCpu before, String role) {
    long total = 0;
    long busiest = 0;
    for (Map.Entry<String, Sample> e : threads.entrySet()) {
      if (e.getValue().role.equals(role)) {
        long ticks = ticksSince(before, e.getKey());
        total += ticks;
        busiest = Math.max(busiest, ticks);
      }
    }
    return total == 0 ? Double.NaN : (double) busiest / total;
  }

  /**
   * Ticks thread {@code tid} of this sample used since {@code before} (all of them if it is new).
   */
  private long ticksSince(ThreadCpu before, String tid) {
    Sample b = before.threads.get(tid);
    return threads.get(tid).ticks - (b == null ? 0 : b.ticks);
  }
}
