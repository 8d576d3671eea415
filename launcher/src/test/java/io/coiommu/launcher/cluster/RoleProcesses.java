package io.coiommu.launcher.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Child JVMs of a cluster test, each with its log under target/cluster-logs: brokers and coiommu
 * roles started as an operator starts them. Every child is killed on {@link #close()} and, should
 * the test JVM itself be stopped, by a shutdown hook, so no process outlives the test.
 */
final class RoleProcesses implements AutoCloseable {

  static final Path LOGS = Path.of("target", "cluster-logs");

  private final List<Process> started = new ArrayList<>();
  private final Thread killOnExit = new Thread(this::killAll, "cluster-test-kill-children");

  RoleProcesses() throws IOException {
    Files.createDirectories(LOGS);
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /**
   * How much a child computes: the JIT's top tier pays off only for the roles that carry events.
   */
  enum Work {
    LIGHT,
    HEAVY
  }

  /**
   * Starts {@code mainClass} of the test class path (the project's classes and Kafka's) with a
   * small heap.
   */
  synchronized Process start(String name, String heap, Work work, String mainClass, String... args)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-XX:+UseSerialGC",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.coiommu.schema"));
    if (work == Work.LIGHT) {
      // Two shared cores: a broker, the dashboard or the report is not worth C2's compile threads.
      command.add("-XX:TieredStopAtLevel=1");
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log(name)).start();
    started.add(p);
    return p;
  }

  static File log(String name) {
    return LOGS.resolve(name + ".log").toFile();
  }

  static String logOf(String name) throws IOException {
    Path p = LOGS.resolve(name + ".log");
    return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
  }

  /** Sends a POSIX signal (STOP, CONT) to one child, by its pid. */
  static void signal(Process p, String signal) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + p.pid() + " failed");
    }
  }

  /** SIGKILL, and waits until it is gone. */
  static void killHard(Process p) throws InterruptedException {
    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /**
   * Waits until {@code condition} holds, checking twice a second; fails naming {@code what} after
   * {@code timeout}.
   */
  static void await(Duration timeout, String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(500);
    }
  }

  private synchronized void killAll() {
    for (Process p : started) {
      p.destroyForcibly();
    }
    for (Process p : started) {
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException jvmExiting) {
      // Already exiting: the hook runs, and finds every child gone.
    }
  }
}
