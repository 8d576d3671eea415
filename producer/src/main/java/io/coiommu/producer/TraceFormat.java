package io.coiommu.producer;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The recorded-trace formats {@link TraceFiles} reads; docs/traces.md shows each with an example.
 */
public enum TraceFormat {
  /** Linux ftrace text: /sys/kernel/tracing/trace, trace-cmd report. */
  FTRACE("ftrace"),
  /** perf script output of the same tracepoints. */
  PERF("perf"),
  /** QEMU trace log (log backend), with or without the pid@time prefix. */
  QEMU("qemu"),
  /** Azure Public Dataset V2 vmtable.csv: VM lifecycles for a synthetic fleet. */
  AZURE("azure"),
  /** The project's CSV. */
  CSV("csv"),
  /** The project's JSON lines. */
  JSONL("jsonl"),
  /** The project's Avro object container archive of EventBatch records. */
  AVRO("avro");

  private final String id;

  TraceFormat(String id) {
    this.id = id;
  }

  /** The name users give with --format. */
  public String id() {
    return id;
  }

  /** Whether the format's lines name no VM, so the user must give the VM identity. */
  public boolean needsIdentity() {
    return this == FTRACE || this == PERF || this == QEMU;
  }

  public static TraceFormat parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (TraceFormat f : values()) {
      if (f.id.equals(n)) {
        return f;
      }
    }
    switch (n) {
      case "trace-cmd", "tracecmd" -> {
        return FTRACE;
      }
      case "json", "ndjson" -> {
        return JSONL;
      }
      case "vmtable" -> {
        return AZURE;
      }
      default ->
          throw new IllegalArgumentException(
              "unknown trace format '" + name + "' (known: " + String.join(", ", ids()) + ")");
    }
  }

  public static List<String> ids() {
    return Arrays.stream(values()).map(TraceFormat::id).toList();
  }

  @Override
  public String toString() {
    return id;
  }
}
