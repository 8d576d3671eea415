package io.coiommu.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's help renders as written: picocli formats descriptions with {@code printf}, so a
 * bare {@code %} makes it warn on standard error and print the raw text instead.
 */
class HelpTextTest {

  @Test
  void everyCommandsHelpFormatsWithoutAWarning() {
    List<CommandLine> commands = new ArrayList<>();
    collect(Main.commandLine(), commands);
    assertThat(commands).hasSizeGreaterThan(5);
    PrintStream err = System.err;
    ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    StringBuilder help = new StringBuilder();
    System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
    try {
      for (CommandLine c : commands) {
        help.append(c.getUsageMessage());
      }
    } finally {
      System.setErr(err);
    }
    assertThat(warnings.toString(StandardCharsets.UTF_8)).isEmpty();
    // Help wraps its lines; the text is checked with its spaces collapsed.
    assertThat(help.toString().replaceAll("\\s+", " "))
        .contains("once the JIT takes under 5 % of a pass's CPU");
  }

  private static void collect(CommandLine command, List<CommandLine> into) {
    into.add(command);
    command.getSubcommands().values().forEach(sub -> collect(sub, into));
  }
}
