package io.coiommu.producer.trace;

import io.coiommu.producer.RejectReason;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.synthetic.FleetMix;
import io.coiommu.producer.synthetic.SimulatedVms;
import io.coiommu.producer.synthetic.VmSimulation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Azure Public Dataset V2 {@code vmtable.csv} (no header; columns vmid, subscriptionid,
 * deploymentid, vmcreated, vmdeleted, maxcpu, avgcpu, p95maxcpu, vmcategory, vmcorecountbucket,
 * vmmemorybucket; times in seconds over 30 days) as the lifecycle of a synthetic fleet: the first
 * {@link Plan#vms} VMs alive during the first {@link Plan#windowSeconds} of the dataset, their
 * creation and deletion scaled into {@link Plan#durationNs} of trace time, their memory from the
 * memory bucket, their DMA traffic drawn by category (Interactive: NIC, Delay-insensitive: storage,
 * Unknown: idle). The table is read only until enough VMs are found.
 */
final class AzureVmTable {

  private static final int COLUMNS = 11;
  private static final long GIB = 1L << 30;

  /** How to turn the table into a fleet; see docs/traces.md. */
  record Plan(int vms, int hosts, long windowSeconds, long durationNs, long seed, double load) {
    static final Plan DEFAULT = new Plan(64, 8, 86_400, 600_000_000_000L, 1, 1.0);
  }

  private record Row(String vmid, long created, long deleted, String category, long memoryBytes) {}

  private AzureVmTable() {}

  /** A data row: 11 fields, creation and deletion times numeric. Used by format detection. */
  static boolean looksLikeRow(String line) {
    String[] f = line.split(",", -1);
    return f.length == COLUMNS && f[3].trim().matches("\\d+") && f[4].trim().matches("\\d+");
  }

  static TraceSource read(Path file, Plan plan, Rejects rejects) throws IOException {
    List<VmSimulation> vms = new ArrayList<>();
    SplittableRandom draw = new SplittableRandom(plan.seed());
    double scale = plan.durationNs() / (double) plan.windowSeconds();
    try (LineReader reader = new LineReader(TextInput.open(file))) {
      for (LineReader.Line line = reader.next();
          line != null && vms.size() < plan.vms();
          line = reader.next()) {
        rejects.countLine();
        if (line.problem() != null) {
          rejects.reject(line.number(), line.problem(), "not a text line", line.text());
          continue;
        }
        Row row;
        try {
          row = parse(line.text());
        } catch (BadLine bad) {
          rejects.reject(line.number(), bad.reason(), bad.getMessage(), line.text());
          continue;
        }
        if (row == null || row.created() >= plan.windowSeconds()) {
          rejects.countIgnored();
          continue;
        }
        int i = vms.size();
        FleetMix kind =
            switch (row.category()) {
              case "interactive" -> FleetMix.NIC;
              case "delay-insensitive" -> FleetMix.STORAGE;
              default -> FleetMix.IDLE;
            };
        long start = (long) (row.created() * scale);
        long stop = (long) (Math.min(row.deleted(), plan.windowSeconds()) * scale);
        String name =
            String.format(
                "az-%04d-%s", i, row.vmid().length() > 8 ? row.vmid().substring(0, 8) : row.vmid());
        String host = String.format("host-%02d", i % plan.hosts());
        vms.add(
            kind.vm(
                name,
                host,
                row.memoryBytes(),
                start,
                Math.max(stop, start + 1),
                FleetMix.vmSeed(plan.seed(), i),
                plan.load(),
                draw));
      }
    } finally {
      rejects.close();
    }
    return new SimulatedVms(
        String.format(
            "azure vmtable %s: %d VMs of the first %d s on %d hosts, in %d s of trace",
            file.getFileName(),
            vms.size(),
            plan.windowSeconds(),
            plan.hosts(),
            plan.durationNs() / 1_000_000_000L),
        vms,
        rejects.stats());
  }

  /** A row, or null for the optional header line. */
  private static Row parse(String line) throws BadLine {
    String[] f = line.split(",", -1);
    if (f.length > 0 && f[0].trim().equalsIgnoreCase("vmid")) {
      return null;
    }
    if (f.length < COLUMNS) {
      throw new BadLine(
          RejectReason.TRUNCATED, "has " + f.length + " fields, vmtable rows have " + COLUMNS);
    }
    if (f.length > COLUMNS) {
      throw new BadLine(
          RejectReason.MALFORMED, "has " + f.length + " fields, vmtable rows have " + COLUMNS);
    }
    String vmid = f[0].trim();
    if (vmid.isEmpty()) {
      throw new BadLine(RejectReason.TRUNCATED, "empty vmid");
    }
    long created = Fields.decimal(f[3].trim(), "vmcreated");
    long deleted = Fields.decimal(f[4].trim(), "vmdeleted");
    if (deleted < created) {
      throw new BadLine(
          RejectReason.OUT_OF_RANGE, "vmdeleted " + deleted + " is before vmcreated " + created);
    }
    return new Row(
        vmid, created, deleted, f[8].trim().toLowerCase(Locale.ROOT), memory(f[10].trim()));
  }

  /**
   * Memory buckets in GB: powers of two up to 64 (the table has 2, 4, 8, 32, 64), and ">64", taken
   * as 128.
   */
  private static long memory(String bucket) throws BadLine {
    if (bucket.equals(">64")) {
      return 128 * GIB;
    }
    long gb = Fields.decimal(bucket, "vmmemorybucket");
    if (gb < 1 || gb > 64 || Long.bitCount(gb) != 1) {
      throw new BadLine(
          RejectReason.OUT_OF_RANGE,
          "vmmemorybucket " + bucket + " is not one of 2, 4, 8, 32, 64, >64");
    }
    return gb * GIB;
  }
}
