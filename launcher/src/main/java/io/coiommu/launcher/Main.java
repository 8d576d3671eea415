package io.coiommu.launcher;

import io.coiommu.launcher.bench.BenchCommand;
import io.coiommu.producer.TraceFormatException;
import io.coiommu.schema.KnownSchemas;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The coiommu command: one subcommand per way of running the pipeline's roles. */
@Command(
    name = "coiommu",
    mixinStandardHelpOptions = true,
    version = "coiommu-pipeline 0.1.0",
    description =
        "How much guest memory does each DMA-pinning policy keep pinned, and how many "
            + "guest-to-host notifications does it cost, on real traffic?",
    subcommands = {
      RunCommand.class,
      ProduceCommand.class,
      ProcessCommand.class,
      RecordCommand.class,
      DashboardCommand.class,
      ReportCommand.class,
      BenchCommand.class,
      SoakCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {

  public static void main(String[] args) {
    KnownSchemas.allowGeneratedPackage();
    System.exit(commandLine().execute(args));
  }

  /** The command tree, for tests and tools that check what the command accepts. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(Main::userError);
  }

  /**
   * Mistakes in what the user gave (a bad spec, a missing file, a malformed trace in strict mode)
   * get one clear line; anything else is a bug and keeps its stack trace.
   */
  private static int userError(Exception e, CommandLine cl, CommandLine.ParseResult parsed)
      throws Exception {
    if (e instanceof IllegalArgumentException
        || e instanceof IOException
        || e instanceof TraceFormatException) {
      String message =
          e instanceof NoSuchFileException ? "no such file: " + e.getMessage() : e.getMessage();
      cl.getErr()
          .println(
              cl.getColorScheme().errorText("coiommu " + cl.getCommandName() + ": " + message));
      return 2;
    }
    throw e;
  }
}
