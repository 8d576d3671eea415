package io.coiommu.producer.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * The hand-written split agrees with the defining pattern, and handles the common shapes itself.
 */
class FtraceSplitTest {

  private static final String BODY =
      "0000:00:04.0 dir=TO_DEVICE dma_addr=fff00000 size=4096 phys_addr=1000 attrs=";

  private static final List<String> COMMON =
      List.of(
          "          <idle>-0       [003] d.h2.  1234.567890: dma_map_page: " + BODY,
          "  Web Content-4567    [001] .....   100.000001: dma_map_page: " + BODY,
          "  (sd-pam)-890        [000] d..1    100.000002: dma_map_page: " + BODY,
          "  kworker/u16:2-123   [002] ..s1.   100.000003: dma:dma_map_page: " + BODY,
          "  bash-1977    (   1977) [000] .....   100.000005: dma_map_page: " + BODY,
          "        qemu-kvm-4575    [008] .......   438.308478: dma_map_page: " + BODY,
          "        qemu-kvm-4575    [008] d..2..  438.308478: dma_map_page: " + BODY,
          "        qemu-kvm-4575    [008] dNh2..1.   438.308478: dma_map_page: " + BODY,
          "  bash-1977    (-------) [000] .....   100.000005: dma_map_page: " + BODY,
          "  irq/12-i8042-5      [000]  100.000006: dma_map_page:         " + BODY,
          "  my-task-with-dash-99 [001] ....  100.000008123: iommu:map: IOMMU: iova=0x1000 paddr=0x2000 size=4096",
          "  bash-1 [000] ..... 10.000006: frobnicate: whatever",
          "  bash-1 [000] ..... 10.000003: iommu:map:",
          "  bash-1 [000] ..... 10.000003: map: IOMMU: iova=0x1 - 0x2 paddr=0x3 size=1");

  private static final List<String> ODD =
      List.of(
          "# tracer: nop",
          "CPU:2 [LOST 1234 EVENTS]",
          "this is not a trace line",
          "  bash-1 [000] ..... 10.000002: dma_map_page: 0000:00:04.0 dir=TO_DEVICE dma_addr=fff",
          "  bash-1 [000] ..... 09.000000: dma_unmap_page:",
          "  bash-1 [000] ...... 10.0: x: y",
          "  bash-1 [000] ..... 10.: x: y",
          "  bash-1 [000] ..... 10.5: a:b:c: y",
          "  bash-1 [000] ..... 10.5: ev!l: y",
          "  task [weird]-5 [001] ..... 1.5: dma_map_page: " + BODY,
          "-1 [000] ..... 1.5: x: y",
          "  bash-x [000] ..... 1.5: x: y",
          "  bash-1 [0000001] ..... 1.5: x: y",
          "  bash-1 [000]..... 1.5: x: y");

  @Test
  void commonShapesAreSplitByHandExactlyAsThePatternSplitsThem() {
    for (String line : COMMON) {
      FtraceParser.Split split = FtraceParser.split(line);
      assertThat(split).as(line).isNotNull().isEqualTo(byPattern(line));
    }
  }

  @Test
  void oddLinesAreEitherSplitTheSameOrLeftToThePattern() {
    for (String line : ODD) {
      FtraceParser.Split split = FtraceParser.split(line);
      if (split != null) {
        assertThat(split).as(line).isEqualTo(byPattern(line));
      }
    }
  }

  private static FtraceParser.Split byPattern(String line) {
    Matcher m = FtraceParser.LINE.matcher(line);
    return m.matches()
        ? new FtraceParser.Split(m.group(6), m.group(7), m.group(5), m.group(8))
        : null;
  }
}
