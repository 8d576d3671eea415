package io.coiommu.producer;

import io.coiommu.schema.TraceEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 over a canonical text of every event of a source: one line per event, the VM name and
 * then every TraceEvent field in schema order, tab-separated. Pins a generator's output event for
 * event, so a faster generator is provably the same generator. As a program it prints {@code
 * DIGEST<TAB>EVENTS<TAB>SECONDS<TAB>SPEC} per workload spec (for fleets too large for a unit test):
 *
 * <pre>
 * java -cp producer/target/classes:producer/target/test-classes:$(cat producer/target/cp.txt) \
 *     io.coiommu.producer.EventDigest 'fleet:hosts=50,vms=1000,duration=10s,seed=3'
 * </pre>
 */
public final class EventDigest {

  private final MessageDigest sha;
  private final StringBuilder line = new StringBuilder(160);
  private long events;

  public EventDigest() {
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every Java platform has SHA-256", e);
    }
  }

  public void accept(VmEvent e) {
    line.setLength(0);
    line.append(e.vm());
    TraceEvent t = e.event();
    int fields = t.getSchema().getFields().size();
    for (int i = 0; i < fields; i++) {
      line.append('\t').append(t.get(i));
    }
    line.append('\n');
    sha.update(line.toString().getBytes(StandardCharsets.UTF_8));
    events++;
  }

  public long events() {
    return events;
  }

  public String hex() {
    return HexFormat.of().formatHex(sha.digest());
  }

  /** Digest of everything {@code source} delivers; closes it. */
  public static EventDigest of(TraceSource source) {
    EventDigest d = new EventDigest();
    try (source) {
      source.forEachRemaining(d::accept);
    }
    return d;
  }

  public static void main(String[] args) {
    for (String spec : args) {
      long start = System.nanoTime();
      EventDigest d = of(Workloads.open(spec));
      System.out.printf(
          "%s\t%d\t%.2f\t%s%n", d.hex(), d.events(), (System.nanoTime() - start) / 1e9, spec);
    }
  }
}
