package io.coiommu.launcher;

import io.coiommu.schema.KnownSchemas;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The coiommu command: one subcommand per way of running the pipeline's roles. */
@Command(name = "coiommu", mixinStandardHelpOptions = true, version = "coiommu-pipeline 0.1.0",
    description = "How much guest memory does each DMA-pinning policy keep pinned, and how many "
        + "guest-to-host notifications does it cost, on real traffic?",
    subcommands = {RunCommand.class, ProduceCommand.class, ProcessCommand.class, RecordCommand.class, SoakCommand.class,
        CommandLine.HelpCommand.class})
public final class Main {

  public static void main(String[] args) {
    KnownSchemas.allowGeneratedPackage();
    System.exit(commandLine().execute(args));
  }

  /** The command tree, for tests and tools that check what the command accepts. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
  }
}
