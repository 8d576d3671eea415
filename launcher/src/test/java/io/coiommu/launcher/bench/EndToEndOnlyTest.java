package io.coiommu.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.launcher.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code bench --end-to-end-only} runs the warm-up passes and the repeats end to end and says where
 * each repeat's CPU went.
 */
class EndToEndOnlyTest {

  @Test
  void everyPassGivesItsRateItsCpuAndItsCpuByRole() {
    StringWriter text = new StringWriter();
    CommandLine command = Main.commandLine();
    command.setOut(new PrintWriter(text, true));
    command.setErr(new PrintWriter(text, true));
    int exit =
        command.execute(
            "bench",
            "--workload",
            "fleet:hosts=1,vms=5,duration=1s,seed=3",
            "--repeats",
            "1",
            "--end-to-end-only");
    String output = text.toString();
    assertThat(exit).as(output).isZero();
    assertThat(output.split("warm-up: end to end", -1)).hasSize(EndToEndBench.WARM_UP_PASSES + 1);
    assertThat(output)
        .containsPattern("repeat 1/1: end to end [1-9][0-9,]* ev/s, CPU [0-9]+\\.[0-9]+ us/event")
        .containsPattern("CPU by role, us/event: .*stream threads [0-9]+\\.[0-9]+;")
        .containsPattern("end to end, CPU of the whole process: [0-9]+\\.[0-9]+ us/event");
  }
}
