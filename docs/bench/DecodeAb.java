// The batch decode for two builds in one JVM, as EngineAb does for the engine: each jar in a class loader of its own
// with its own copy of the workload's per-VM batches (VmBatcher, as the producer cuts them), passes alternating
// A B B A, thread CPU time per event, the median of the pairs' ratios printed. Public API only, so it runs against
// any jar with EventColumns. -Ddecode=columns (the default) times EventColumns.of(EventBatch) alone, what follows
// Avro's decode; -Ddecode=record times what a stream thread does per record, EventColumnsSerde.deserialize of the
// batch's serialized bytes (each jar serializes the batches with its own AvroSerde); -Ddecode=recycled does what
// record does as the processor and Streams do it since issue #14's column reuse: the next record is decoded while the
// current one is still referenced (Streams decodes a queue's next head before processing the record it returns), then
// the current one is recycled (EventColumns.recycle, called reflectively: a jar without it decodes as record does).
// Caveat, measured on sample:duration=60s (full 4096-event batches): main against the recycling build came out level
// (B/A 0.93-1.09), while the same jar on both sides gave 28.3-29.5 ns/event for main and 23.2-25.1 for the recycling
// build. The two sides share one heap: the fresh side's allocation makes collections that move the recycled arrays to
// the old generation, where each device reference stored pays G1's post-write barrier (the recycling build alone with a
// System.gc() before each pass: 29.8-42 ns/event, StringColumn.decodeDictionary 2.7 % -> 11.6 % of the decode). The
// stream thread's profile of a fleet run is the better judge of recycling (issue #14):
//
//   java -Xmx2g -Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.coiommu.schema [-Ddecode=record|recycled] -cp B.jar \
//       docs/bench/DecodeAb.java A.jar B.jar sample:duration=60s 9
import io.coiommu.producer.*;
import io.coiommu.schema.*;
import java.io.*;
import java.lang.management.*;
import java.net.*;
import java.nio.file.Path;
import java.util.*;
import java.util.function.LongSupplier;

public class DecodeAb {
  static final ThreadMXBean T = ManagementFactory.getThreadMXBean();

  public static LongSupplier passOver(String workload, long[] events) {
    List<EventBatch> batches = new ArrayList<>();
    VmBatcher batcher = VmBatcher.likeTraceProducer(b -> batches.add(b));
    try (TraceSource s = EndOfTrace.stopOpenVms(Workloads.open(workload))) {
      while (s.hasNext()) { batcher.add(s.next()); events[0]++; }
    }
    batcher.flushAll();
    String mode = System.getProperty("decode", "columns");
    if (!mode.equals("columns")) {
      AvroSerde<EventBatch> avro = AvroSerde.of(EventBatch.class);
      List<byte[]> records = new ArrayList<>();
      for (EventBatch b : batches) records.add(avro.serialize(Topics.TRACE_EVENTS, b));
      batches.clear();
      EventColumnsSerde serde = new EventColumnsSerde();
      if (mode.equals("recycled")) {
        java.lang.reflect.Method recycle;
        try { recycle = EventColumns.class.getMethod("recycle"); } catch (NoSuchMethodException e) { recycle = null; }
        java.lang.reflect.Method r = recycle;
        return () -> {
          long n = 0; EventColumns current = null;
          for (byte[] rec : records) {
            EventColumns next = serde.deserialize(Topics.TRACE_EVENTS, rec);
            if (current != null) { n += current.tsNs(0); recycle(r, current); }
            current = next;
          }
          n += current.tsNs(0); recycle(r, current);
          return n;
        };
      }
      return () -> { long n = 0; for (byte[] r : records) n += serde.deserialize(Topics.TRACE_EVENTS, r).tsNs(0); return n; };
    }
    return () -> { long n = 0; for (EventBatch b : batches) n += EventColumns.of(b).tsNs(0); return n; };
  }

  static void recycle(java.lang.reflect.Method recycle, EventColumns c) {
    if (recycle == null) return;
    try { recycle.invoke(c); } catch (ReflectiveOperationException e) { throw new IllegalStateException(e); }
  }

  static final class JarLoader extends URLClassLoader {
    JarLoader(Path jar) throws IOException { super(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader()); }
    @Override protected Class<?> findClass(String name) throws ClassNotFoundException {
      if (!name.startsWith("DecodeAb")) return super.findClass(name);
      try (InputStream in = DecodeAb.class.getClassLoader().getResourceAsStream(name.replace('.', '/') + ".class")) {
        byte[] b = in.readAllBytes(); return defineClass(name, b, 0, b.length);
      } catch (IOException e) { throw new UncheckedIOException(e); }
    }
  }

  public static void main(String[] a) throws Exception {
    LongSupplier[] side = new LongSupplier[2]; long[][] ev = new long[2][1];
    for (int s = 0; s < 2; s++) {
      Class<?> c = Class.forName("DecodeAb", true, new JarLoader(Path.of(a[s])));
      side[s] = (LongSupplier) c.getMethod("passOver", String.class, long[].class).invoke(null, a[2], ev[s]);
    }
    int pairs = Integer.parseInt(a[3]);
    List<Double> ratios = new ArrayList<>(); List<Double> ra = new ArrayList<>(), rb = new ArrayList<>();
    for (int p = -3; p < pairs; p++) {
      double[] ns = new double[2];
      for (int k = 0; k < 2; k++) {
        int s = (p & 1) == 0 ? k : 1 - k;
        long c0 = T.getCurrentThreadCpuTime(); side[s].getAsLong();
        ns[s] = (T.getCurrentThreadCpuTime() - c0) / (double) ev[s][0];
      }
      System.out.printf("%s %d: A %.1f  B %.1f ns/event  B/A %.3f%n", p < 0 ? "warm-up" : "pair", p, ns[0], ns[1], ns[1] / ns[0]);
      if (p >= 0) { ratios.add(ns[1] / ns[0]); ra.add(ns[0]); rb.add(ns[1]); }
    }
    Collections.sort(ratios); Collections.sort(ra); Collections.sort(rb);
    System.out.printf("events %d; median A %.1f B %.1f ns/event (CPU); B/A median of pairs %.3f (min %.3f max %.3f)%n",
        ev[0][0], ra.get(ra.size() / 2), rb.get(rb.size() / 2), ratios.get(ratios.size() / 2), ratios.get(0), ratios.get(ratios.size() - 1));
  }
}
