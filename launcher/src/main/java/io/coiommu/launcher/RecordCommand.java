package io.coiommu.launcher;

import io.coiommu.producer.ProduceStats;
import io.coiommu.producer.TraceArchive;
import io.coiommu.producer.TraceSource;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Converts any supported input into the Avro archive format, which {@code run --trace} replays. */
@Command(
    name = "record",
    mixinStandardHelpOptions = true,
    description =
        "Converts a recorded trace or a synthetic workload into an Avro object container file "
            + "of EventBatch records (replay it with run --trace FILE.avro).")
final class RecordCommand implements Callable<Integer> {

  @Mixin TraceOptions trace = new TraceOptions();

  @Parameters(
      arity = "0..1",
      paramLabel = "INPUT",
      description = "A recorded trace (same as --trace FILE).")
  Path input;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "FILE.avro",
      description = "The archive to write.")
  Path output;

  @Override
  public Integer call() throws Exception {
    if (input != null) {
      if (trace.trace != null) {
        throw new IllegalArgumentException("give the input once: INPUT or --trace");
      }
      trace.trace = input;
    }
    try (TraceSource source = trace.open()) {
      ProduceStats stats = TraceArchive.write(source, output);
      System.out.println(
          "recorded " + source.describe() + " to " + output + ": " + stats.summary());
      if (source.rejects().anyNotReplayed()) {
        System.out.println(source.rejects().summary());
      }
    }
    return 0;
  }
}
