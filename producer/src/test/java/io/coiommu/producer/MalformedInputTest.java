package io.coiommu.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coiommu.schema.EventType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The malformed-input suite: truncated lines, binary garbage, a 10 MB line, numbers out of range,
 * unknown events, out-of-order time and empty files, in every text format. Nothing crashes, the
 * good lines still come through, and every bad line is reported with its line number and reason.
 */
class MalformedInputTest {

  @TempDir Path dir;

  private static final String GOOD_FTRACE =
      "  bash-1 [000] ..... 10.000001: dma_map_page: 0000:00:04.0 dir=TO_DEVICE "
          + "dma_addr=fff00000 size=4096 phys_addr=1000 attrs=";

  /** Lines of a trace with {@code bad} inserted, as bytes: some bad lines are not text. */
  private Path mixed(String name, byte[]... lines) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] line : lines) {
      out.write(line);
      out.write('\n');
    }
    Path file = dir.resolve(name);
    Files.write(file, out.toByteArray());
    return file;
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] tenMegabyteLine() {
    byte[] line = new byte[10 << 20];
    java.util.Arrays.fill(line, (byte) 'x');
    return line;
  }

  private static final byte[] GARBAGE = {
    0x7f, 'E', 'L', 'F', 0, 0, (byte) 0xff, (byte) 0xfe, 1, 2, 3
  };

  @Test
  void ftraceKeepsGoodLinesAndReportsEveryBadOne() throws IOException {
    Path file =
        mixed(
            "bad.trace",
            text("# tracer: nop"), // 1 header
            text(GOOD_FTRACE), // 2 good
            text(
                "  bash-1 [000] ..... 10.000002: dma_map_page: 0000:00:04.0 dir=TO_DEVICE dma_addr=fff"), // 3 truncated
            GARBAGE, // 4 binary
            tenMegabyteLine(), // 5 too long
            text(
                "  bash-1 [000] ..... 10.000003: dma_map_page: 0000:00:04.0 dir=TO_DEVICE "
                    + "dma_addr=1ffffffffffffffff size=4096 phys_addr=1000 attrs="), // 6 > 64 bits
            text(
                "  bash-1 [000] ..... 10.000004: dma_map_page: 0000:00:04.0 dir=TO_DEVICE "
                    + "dma_addr=fff00000 size=99999999999999999999 phys_addr=1000 attrs="), // 7
            // size
            // overflow
            text(
                "  bash-1 [000] ..... 10.000005: dma_map_page: 0000:00:04.0 dir=SIDEWAYS "
                    + "dma_addr=fff00000 size=4096 phys_addr=1000 attrs="), // 8 bad direction
            text("  bash-1 [000] ..... 10.000006: frobnicate: whatever"), // 9 other event
            text(
                "  bash-1 [000] ..... 09.000000: dma_unmap_page: 0000:00:04.0 dir=TO_DEVICE "
                    + "dma_addr=fff00000 size=4096 attrs="), // 10 back in time
            text("CPU:2 [LOST 1234 EVENTS]"), // 11 lost events
            text("this is not a trace line"), // 12 malformed
            text(
                "  bash-1 [000] ..... 10.000007: dma_unmap_page: 0000:00:04.0 dir=TO_DEVICE "
                    + "dma_addr=fff00000 size=0 attrs="), // 13 size 0
            text(
                "  bash-1 [000] ..... 10.000008: dma_unmap_page: 0000:00:04.0 dir=TO_DEVICE "
                    + "dma_addr=fff00000 size=4096 attrs=")); // 14 good
    TraceFilesFixture f = new TraceFilesFixture(dir).read(file, null, TraceFilesFixture.GUEST);
    assertThat(f.dmaEvents())
        .extracting(e -> e.getType())
        .containsExactly(EventType.DMA_MAP, EventType.DMA_UNMAP);
    assertThat(f.stats.linesRead()).isEqualTo(14);
    assertThat(f.stats.ignored()).isEqualTo(2);
    assertThat(f.stats.rejected()).isEqualTo(10);
    assertThat(f.stats.byReason())
        .isEqualTo(
            Map.of(
                RejectReason.TRUNCATED,
                2L,
                RejectReason.BINARY,
                1L,
                RejectReason.LINE_TOO_LONG,
                1L,
                RejectReason.OUT_OF_RANGE,
                3L,
                RejectReason.MALFORMED,
                2L,
                RejectReason.OUT_OF_ORDER,
                1L));
    List<String> rejects = f.rejectLines();
    assertThat(rejects).hasSize(10);
    assertThat(rejects)
        .extracting(l -> Integer.parseInt(l.split("\t")[1]))
        .containsExactly(3, 4, 5, 6, 7, 8, 10, 11, 12, 13);
    assertThat(rejects)
        .allMatch(l -> l.startsWith(file.toString() + "\t") && l.split("\t", -1).length == 5);
    // The 10 MB line is kept only by its start.
    assertThat(Files.size(f.rejectsFile)).isLessThan(20_000);
    System.out.println("malformed ftrace: " + f.stats.summary());
  }

  @Test
  void projectFormatsRejectUnknownEventsAndMissingFields() throws IOException {
    Path csv =
        mixed(
            "bad.csv",
            text("tsNs,vm,type,device,iova,gpa,bytes"), // 1 header
            text("0,a,VM_START,,,,"), // 2 no guest memory
            text("0,b,VM_START"), // 3 truncated row
            text("1,a,DMA_MAP,0000:01:00.0,0x1000,0x2000,4096"), // 4 a never started
            text("2,c,FROBNICATE,,,,"), // 5 unknown event
            text("3,,DMA_MAP,0000:01:00.0,0x1000,0x2000,4096"), // 6 no vm, no identity
            text("4,b,DMA_MAP,0000:01:00.0,zzz,0x2000,4096"), // 7 bad number
            text("5,b,DMA_MAP,0000:01:00.0,0x1000,0x2000,4096,extra"), // 8 too many fields
            GARBAGE, // 9 binary
            text(
                "6,b,DMA_MAP,"
                    + "d".repeat(100)
                    + ",0x1000,0x2000,4096")); // 10 device name too long
    TraceFilesFixture f = new TraceFilesFixture(dir).read(csv, "csv", null);
    assertThat(f.events).isEmpty();
    assertThat(f.stats.rejected()).isEqualTo(9);
    assertThat(f.rejectLines())
        .extracting(l -> l.split("\t")[2])
        .containsExactly(
            "TRUNCATED",
            "TRUNCATED",
            "NO_VM",
            "UNKNOWN_EVENT",
            "NO_VM",
            "BAD_NUMBER",
            "MALFORMED",
            "BINARY",
            "OUT_OF_RANGE");
    System.out.println("malformed csv: " + f.stats.summary());

    Path jsonl =
        mixed(
            "bad.jsonl",
            text(
                "{\"tsNs\": 0, \"vm\": \"a\", \"type\": \"VM_START\", \"guestMemoryBytes\": 1073741824}"),
            text(
                "{\"tsNs\": 1, \"vm\": \"a\", \"type\": \"DMA_MAP\", \"device\": \"d\", \"iova\": 1, \"gpa\": 2"),
            text("{\"tsNs\": 2, \"vm\": \"a\", \"typo\": \"DMA_MAP\"}"),
            text("{\"tsNs\": 3.5, \"vm\": \"a\", \"type\": \"VM_STOP\"}"),
            text("{\"tsNs\": -4, \"vm\": \"a\", \"type\": \"VM_STOP\"}"),
            text("[1, 2, 3]"),
            text(
                "{\"tsNs\": 5, \"vm\": \"a\", \"type\": \"DMA_MAP\", \"device\": \"d\", \"iova\": 1, \"gpa\": 2, "
                    + "\"bytes\": 99999999999999999999}"),
            text("{\"tsNs\": 6, \"vm\": \"a\", \"type\": \"VM_STOP\"}"));
    TraceFilesFixture j = new TraceFilesFixture(dir).read(jsonl, null, null);
    assertThat(j.events)
        .extracting(e -> e.event().getType())
        .containsExactly(EventType.VM_START, EventType.VM_STOP);
    assertThat(j.rejectLines())
        .extracting(l -> l.split("\t")[1] + " " + l.split("\t")[2])
        .containsExactly(
            "2 MALFORMED",
            "3 MALFORMED",
            "4 BAD_NUMBER",
            "5 OUT_OF_RANGE",
            "6 MALFORMED",
            "7 OUT_OF_RANGE");
    System.out.println("malformed jsonl: " + j.stats.summary());
  }

  @Test
  void qemuAndPerfLinesOfTheWrongShapeAreRejected() throws IOException {
    Path qemu =
        mixed(
            "bad.qemu",
            text(
                "1@1.000001:virtio_iommu_map domain=1 virt_start=0x1000 virt_end=0xfff phys_start=0x2000 flags=3"),
            text("1@1.000002:virtio_iommu_map domain=1 virt_start=0x1000"),
            text("1@1.000003:vtd_page_walk_one domain 0x1 iova nonsense"),
            text(
                "1@1.000004:virtio_iommu_map domain=1 virt_start=0x1000 virt_end=0x1fff phys_start=0x2000 flags=3"),
            text("NOT A QEMU LINE"));
    TraceFilesFixture q = new TraceFilesFixture(dir).read(qemu, "qemu", TraceFilesFixture.GUEST);
    assertThat(q.dmaEvents()).hasSize(1);
    assertThat(q.rejectLines())
        .extracting(l -> l.split("\t")[1] + " " + l.split("\t")[2])
        .containsExactly("1 OUT_OF_RANGE", "2 TRUNCATED", "3 MALFORMED", "5 MALFORMED");

    Path perf =
        mixed(
            "bad.perf",
            text(
                "  swapper  0 [000] 1.000001: iommu:map: IOMMU: iova=0x1000 paddr=0x2000 size=4096"),
            text("  swapper  0 [000] 1.000002: iommu:map: iova=0x1000 paddr=0x2000 size=4096"),
            text("  swapper  0 [000] 1.000003: iommu:map:"));
    TraceFilesFixture p = new TraceFilesFixture(dir).read(perf, "perf", TraceFilesFixture.GUEST);
    assertThat(p.dmaEvents()).hasSize(1);
    assertThat(p.rejectLines())
        .extracting(l -> l.split("\t")[1] + " " + l.split("\t")[2])
        .containsExactly("2 MALFORMED", "3 TRUNCATED");
  }

  @Test
  void aCounterClockTraceIsRejectedWithTheReason() throws IOException {
    Path file =
        mixed(
            "tsc.trace",
            text(
                "  bash-1 [000] ..... 123456789012: dma_map_page: 0000:00:04.0 dir=TO_DEVICE "
                    + "dma_addr=fff00000 size=4096 phys_addr=1000 attrs="));
    TraceFilesFixture f = new TraceFilesFixture(dir).read(file, "ftrace", TraceFilesFixture.GUEST);
    assertThat(f.rejectLines())
        .singleElement()
        .satisfies(l -> assertThat(l).contains("counter clock"));
  }

  @Test
  void strictStopsAtTheFirstBadLineNamingFileAndLine() throws IOException {
    Path file =
        mixed("strict.trace", text(GOOD_FTRACE), text(GOOD_FTRACE), GARBAGE, text(GOOD_FTRACE));
    try (TraceSource s =
        TraceFiles.open(file, "ftrace", TraceFilesFixture.GUEST, RejectPolicy.STRICT)) {
      assertThat(s.next().event().getType()).isEqualTo(EventType.VM_START);
      s.next();
      s.next();
      assertThatThrownBy(s::hasNext)
          .isInstanceOf(TraceFormatException.class)
          .hasMessage(file + ":3: BINARY: binary data: control bytes or invalid UTF-8")
          .satisfies(e -> assertThat(((TraceFormatException) e).line()).isEqualTo(3));
    }
  }

  @Test
  void emptyFilesGiveNoEventsAndNoError() throws IOException {
    Path empty = dir.resolve("empty.trace");
    Files.write(empty, new byte[0]);
    for (String format : new String[] {null, "ftrace", "perf", "qemu", "csv", "jsonl", "azure"}) {
      TraceFilesFixture f = new TraceFilesFixture(dir).read(empty, format, TraceFilesFixture.GUEST);
      assertThat(f.events).as(String.valueOf(format)).isEmpty();
      assertThat(f.stats.linesRead()).isZero();
    }
  }

  @Test
  void missingIdentityOrUndetectableFormatIsAClearError() throws IOException {
    Path trace = mixed("x.trace", text(GOOD_FTRACE));
    assertThatThrownBy(() -> TraceFiles.open(trace, null, null, RejectPolicy.STRICT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--vm NAME --guest-memory SIZE");
    Path garbage = mixed("x.bin", GARBAGE, GARBAGE);
    assertThatThrownBy(() -> TraceFiles.open(garbage, null, null, RejectPolicy.STRICT))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot tell the format");
    assertThatThrownBy(() -> TraceFiles.open(trace, "pcap", null, RejectPolicy.STRICT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown trace format 'pcap'");
  }

  @Test
  void gzippedTracesAreReadAndACutShortOneIsReported() throws IOException {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(zipped)) {
      for (int i = 0; i < 2000; i++) {
        gz.write(text(GOOD_FTRACE.replace("10.000001", String.format("10.%06d", i)) + "\n"));
      }
    }
    Path whole = dir.resolve("trace.txt.gz");
    Files.write(whole, zipped.toByteArray());
    TraceFilesFixture f = new TraceFilesFixture(dir).read(whole, null, TraceFilesFixture.GUEST);
    assertThat(f.dmaEvents()).hasSize(2000);
    assertThat(f.stats.rejected()).isZero();

    Path cut = dir.resolve("cut.txt.gz");
    Files.write(cut, java.util.Arrays.copyOf(zipped.toByteArray(), zipped.size() / 2));
    TraceFilesFixture c = new TraceFilesFixture(dir).read(cut, "ftrace", TraceFilesFixture.GUEST);
    assertThat(c.dmaEvents().size()).isBetween(1, 1999);
    assertThat(c.stats.byReason()).containsKey(RejectReason.BINARY);
    assertThat(c.rejectLines()).last().satisfies(l -> assertThat(l).contains("unreadable input"));
  }
}
