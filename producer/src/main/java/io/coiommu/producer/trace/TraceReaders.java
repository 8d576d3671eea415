package io.coiommu.producer.trace;

import io.coiommu.producer.RejectPolicy;
import io.coiommu.producer.RejectStats;
import io.coiommu.producer.TraceFormat;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.VmIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Format detection and the reader of each {@link TraceFormat}. */
public final class TraceReaders {

  /** Bytes looked at to tell a format. */
  private static final int SNIFF_BYTES = 64 * 1024;

  private static final int SNIFF_LINES = 50;
  private static final byte[] AVRO_MAGIC = {'O', 'b', 'j', 1};
  private static final Pattern QEMU_EVENT =
      Pattern.compile("^(?:\\d+@\\d+\\.\\d+:)?(?:virtio_|vtd_)[a-z0-9_]+(?: .*)?$");

  private TraceReaders() {}

  /**
   * An Azure vmtable.csv as a fleet with a chosen plan (the {@code azure:} workload): the first
   * {@code vms} VMs alive in the table's first {@code windowSeconds}, scaled into {@code
   * durationNs}.
   */
  public static TraceSource azure(
      Path file,
      int vms,
      int hosts,
      long windowSeconds,
      long durationNs,
      long seed,
      double load,
      RejectPolicy policy)
      throws IOException {
    return AzureVmTable.read(
        file,
        new AzureVmTable.Plan(vms, hosts, windowSeconds, durationNs, seed, load),
        new Rejects(file.toString(), policy));
  }

  /** An empty file, whatever its supposed format: a source without events. */
  public static TraceSource empty(Path file) {
    return new EmptyTraceSource("empty file " + file.getFileName());
  }

  public static TraceSource open(
      Path file, TraceFormat format, VmIdentity identity, RejectPolicy policy) throws IOException {
    if (format.needsIdentity() && identity == null) {
      throw new IllegalArgumentException(
          file
              + ": a "
              + format
              + " trace names no VM: give the VM identity "
              + "(--vm NAME --guest-memory SIZE [--host NAME])");
    }
    String label = file.toString();
    Rejects rejects = new Rejects(label, policy);
    String what = format + " trace " + file.getFileName();
    return switch (format) {
      case FTRACE ->
          lines(
              file,
              what + " (VM " + identity.vm() + ")",
              new FtraceParser(rejects),
              identity,
              rejects);
      case PERF ->
          lines(
              file,
              what + " (VM " + identity.vm() + ")",
              new PerfScriptParser(rejects),
              identity,
              rejects);
      case QEMU ->
          lines(file, what + " (VM " + identity.vm() + ")", new QemuLogParser(), identity, rejects);
      case CSV -> lines(file, what, new ProjectCsvParser(identity), identity, rejects);
      case JSONL -> lines(file, what, new JsonLinesParser(identity), identity, rejects);
      case AVRO -> ArchiveTraceSource.open(file, identity, rejects);
      case AZURE -> AzureVmTable.read(file, AzureVmTable.Plan.DEFAULT, rejects);
    };
  }

  /**
   * Stops before anything waits on a trace that yields no event: reads up to its first event (all
   * of it when there is none) and, if there is none, closes it (so its rejects file is complete)
   * and throws, naming the file and why.
   */
  public static TraceSource requireEvents(Path file, TraceSource source)
      throws NoDmaEventsException {
    if (source.hasNext()) {
      return source;
    }
    RejectStats stats = source.rejects();
    source.close();
    throw new NoDmaEventsException("no DMA event in " + file + ": " + whyNoEvents(stats));
  }

  /**
   * Why a source with these counts gave no event: {@code "16 of 16 lines rejected (MALFORMED 16),
   * see x.rejects"}.
   */
  public static String whyNoEvents(RejectStats s) {
    if (s.linesRead() == 0) {
      return "the file is empty";
    }
    if (s.rejected() == 0) {
      return "none of its "
          + s.linesRead()
          + " lines is an event this tool reads ("
          + s.ignored()
          + " ignored: headers, comments, other events)";
    }
    return s.rejected()
        + " of "
        + s.linesRead()
        + " lines rejected ("
        + s.reasonCounts()
        + ")"
        + (s.ignored() > 0 ? ", " + s.ignored() + " ignored" : "")
        + s.rejectsFile().map(f -> ", see " + f).orElse("");
  }

  private static TraceSource lines(
      Path file, String description, LineParser parser, VmIdentity identity, Rejects rejects)
      throws IOException {
    LineReader reader = new LineReader(TextInput.open(file));
    return new LineTraceSource(description, reader, parser, new VmOrder(identity), rejects);
  }

  /**
   * Tells the format from the content: Avro's magic bytes, ftrace's "# tracer:" header, otherwise
   * the format whose line shape most of the first lines have.
   */
  public static TraceFormat detect(Path file) throws IOException {
    byte[] magic;
    try (InputStream in = Files.newInputStream(file)) {
      magic = in.readNBytes(4);
    }
    if (magic.length >= 4
        && magic[0] == AVRO_MAGIC[0]
        && magic[1] == AVRO_MAGIC[1]
        && magic[2] == AVRO_MAGIC[2]
        && magic[3] == AVRO_MAGIC[3]) {
      return TraceFormat.AVRO;
    }
    byte[] head;
    try (InputStream in = TextInput.open(file)) {
      head = in.readNBytes(SNIFF_BYTES);
    } catch (IOException e) {
      throw new IOException("cannot tell the format of " + file + ": " + e.getMessage(), e);
    }
    List<String> lines = new ArrayList<>();
    for (String line : new String(head, StandardCharsets.ISO_8859_1).split("\n")) {
      String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
      if (l.startsWith("# tracer:")) {
        return TraceFormat.FTRACE;
      }
      if (!l.isBlank() && !l.startsWith("#") && lines.size() < SNIFF_LINES) {
        lines.add(l);
      }
    }
    if (!lines.isEmpty() && isProjectCsvHeader(lines.get(0))) {
      return TraceFormat.CSV;
    }
    Map<TraceFormat, Integer> votes = new EnumMap<>(TraceFormat.class);
    for (int i = 0; i < lines.size(); i++) {
      TraceFormat f = shapeOf(lines.get(i), i == 0);
      if (f != null) {
        votes.merge(f, 1, Integer::sum);
      }
    }
    return votes.entrySet().stream()
        .max(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .orElseThrow(
            () ->
                new IOException(
                    "cannot tell the format of "
                        + file
                        + (head.length == 0 ? " (empty file)" : "")
                        + ": give it ("
                        + String.join(", ", TraceFormat.ids())
                        + ")"));
  }

  private static TraceFormat shapeOf(String line, boolean first) {
    if (line.startsWith("{")) {
      return TraceFormat.JSONL;
    }
    if (FtraceParser.LINE.matcher(line).matches()) {
      return TraceFormat.FTRACE;
    }
    if (PerfScriptParser.LINE.matcher(line).matches()) {
      return TraceFormat.PERF;
    }
    if (QEMU_EVENT.matcher(line).matches()) {
      return TraceFormat.QEMU;
    }
    if (AzureVmTable.looksLikeRow(line) || (first && line.toLowerCase().startsWith("vmid,"))) {
      return TraceFormat.AZURE;
    }
    return null;
  }

  private static boolean isProjectCsvHeader(String line) {
    boolean ts = false;
    boolean type = false;
    for (String cell : line.split(",")) {
      String c = ProjectRecord.canonical(cell);
      if (c == null) {
        return false;
      }
      ts |= c.equals("tsNs");
      type |= c.equals("type");
    }
    return ts && type;
  }
}
