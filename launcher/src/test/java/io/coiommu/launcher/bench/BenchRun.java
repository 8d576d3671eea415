package io.coiommu.launcher.bench;

import io.coiommu.launcher.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One {@code coiommu bench ...} run in this JVM: its exit code and everything it printed. */
record BenchRun(int exitCode, String output) {

  static BenchRun of(String... args) {
    StringWriter text = new StringWriter();
    CommandLine command = Main.commandLine();
    command.setOut(new PrintWriter(text, true));
    command.setErr(new PrintWriter(text, true));
    int exit = command.execute(args);
    return new BenchRun(exit, text.toString());
  }
}
