package io.coiommu.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trace with no usable event ends run, produce and record in seconds, non-zero, with one message
 * that names the file and says why, instead of waiting for the results of no VM.
 */
class NoEventTraceTest {

  private static final Duration AT_ONCE = Duration.ofSeconds(20);

  @TempDir Path dir;

  private record Outcome(int exit, String err, Duration took) {}

  private Outcome execute(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    long t0 = System.nanoTime();
    int exit = Main.commandLine().setErr(new PrintWriter(err, true)).execute(args);
    return new Outcome(
        exit, err.toString(StandardCharsets.UTF_8), Duration.ofNanos(System.nanoTime() - t0));
  }

  private static List<String> withTrace(Path trace, String command, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(command, "--trace", trace.toString(), "--vm", "g", "--guest-memory", "1g"));
    Collections.addAll(args, more);
    return args;
  }

  private List<Outcome> everyCommand(Path trace, String... format) {
    List<Outcome> outcomes = new ArrayList<>();
    List<String> run = withTrace(trace, "run", format);
    List<String> produce = withTrace(trace, "produce", format);
    produce.addAll(List.of("--bootstrap-servers", "127.0.0.1:9"));
    List<String> record = withTrace(trace, "record", format);
    record.addAll(List.of("-o", dir.resolve("out.avro").toString()));
    for (List<String> args : List.of(run, produce, record)) {
      outcomes.add(execute(args.toArray(String[]::new)));
    }
    return outcomes;
  }

  @Test
  void allLinesRejectedEndsAtOnceNamingTheFileTheReasonsAndTheRejectsFile() throws Exception {
    Path trace = dir.resolve("mangled.txt");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      lines.add("qemu-kvm 4575 008 438.3084" + i + " unmap IOMMU iova=0x0 size=4096");
    }
    Files.write(trace, lines);
    for (Outcome o : everyCommand(trace, "--format", "ftrace")) {
      assertThat(o.exit()).as(o.err()).isEqualTo(2);
      assertThat(o.took()).isLessThan(AT_ONCE);
      assertThat(o.err())
          .contains(
              "no DMA event in "
                  + trace
                  + ": 16 of 16 lines rejected (MALFORMED 16), see "
                  + trace
                  + ".rejects")
          .doesNotContain("\tat ");
      assertThat(o.err().strip().lines()).hasSize(1);
    }
    assertThat(Files.readAllLines(Path.of(trace + ".rejects"))).hasSize(1 + 16);
    assertThat(dir.resolve("out.avro")).doesNotExist();
  }

  @Test
  void aHeaderOnlyTraceAndAnEmptyFileEndAtOnceSayingSo() throws Exception {
    Path header = dir.resolve("header.txt");
    Files.write(
        header,
        List.of(
            "# tracer: nop",
            "#",
            "# entries-in-buffer/entries-written: 0/0   #P:8",
            "#",
            "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION",
            "#              | |         |   |||||     |"));
    for (Outcome o : everyCommand(header)) {
      assertThat(o.exit()).as(o.err()).isEqualTo(2);
      assertThat(o.took()).isLessThan(AT_ONCE);
      assertThat(o.err())
          .contains(
              "no DMA event in " + header + ": none of its 6 lines is an event this tool reads");
    }
    Path empty = dir.resolve("empty.txt");
    Files.write(empty, new byte[0]);
    for (Outcome o : everyCommand(empty)) {
      assertThat(o.exit()).as(o.err()).isEqualTo(2);
      assertThat(o.err()).contains("no DMA event in " + empty + ": the file is empty");
    }
  }
}
