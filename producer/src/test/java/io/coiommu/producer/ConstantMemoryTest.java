package io.coiommu.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A fleet of tens of millions of events must generate in a small heap: generation streams. The
 * check runs the fleet in a child JVM capped at 64 MiB, far below what the events would take if
 * anything kept them (about 100 bytes each).
 */
class ConstantMemoryTest {

  @Test
  void aLargeFleetGeneratesInA64MiBHeap() throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx64m",
                    "-XX:+UseSerialGC",
                    "-cp",
                    System.getProperty("java.class.path"),
                    SourceDrain.class.getName(),
                    "fleet:hosts=4,vms=64,duration=60s,seed=7"))
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("probe finished").isTrue();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.exitValue()).as(output).isZero();
    long events = Long.parseLong(output.lines().reduce((a, b) -> b).orElseThrow().split("\t")[0]);
    assertThat(events).isGreaterThan(5_000_000L);
  }
}
