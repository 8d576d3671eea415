package io.coiommu.launcher.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kafka's own {@code org.apache.kafka.tools.ProducerPerformance} (the {@code
 * kafka-producer-perf-test} tool of the kafka-tools artifact), with 100-byte records, unthrottled
 * and the producer's default settings: the records per second that a design sending one Kafka
 * record per DMA event could never exceed on this broker. It runs in its own JVM, on this process's
 * class path, as the tool runs in practice, and its final summary line is parsed.
 */
final class ProducerPerformanceBench {

  static final String TOPIC = "coiommu.bench.producer-performance";
  static final int RECORD_BYTES = 100;
  private static final Pattern TOTAL =
      Pattern.compile("^(\\d+) records sent, ([0-9.]+) records/sec \\(([0-9.]+) MB/sec\\)");

  private ProducerPerformanceBench() {}

  /**
   * Records per second over {@code records} records sent to {@link #TOPIC} on {@code
   * bootstrapServers}.
   */
  static double recordsPerSecond(String bootstrapServers, long records)
      throws IOException, InterruptedException {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "org.apache.kafka.tools.ProducerPerformance",
            "--topic",
            TOPIC,
            "--num-records",
            Long.toString(records),
            "--record-size",
            Integer.toString(RECORD_BYTES),
            "--throughput",
            "-1",
            "--producer-props",
            "bootstrap.servers=" + bootstrapServers);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> output = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        output.add(line);
      }
    }
    if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException("ProducerPerformance failed:\n" + String.join("\n", output));
    }
    return parseTotal(output);
  }

  /**
   * The tool prints a line per reporting window, then the total: the last matching line is the
   * total.
   */
  static double parseTotal(List<String> output) {
    double total = Double.NaN;
    for (String line : output) {
      Matcher m = TOTAL.matcher(line.trim());
      if (m.find()) {
        total = Double.parseDouble(m.group(2));
      }
    }
    if (Double.isNaN(total)) {
      throw new IllegalStateException(
          "no summary line in ProducerPerformance's output:\n" + String.join("\n", output));
    }
    return total;
  }
}
