// The producer thread's work alone for two builds in one JVM, as DecodeAb does for the decode: a trace's events fed
// through VmBatcher.likeTraceProducer (batches cut and encoded as TraceProducer does) into a sink that makes each
// batch's record value as that build's TraceProducer does: EventBatchBuilder.encode where the jar has it, else
// EventBatchBuilder.build serialized with AvroSerde.of(EventBatch.class), as the Kafka producer's serializer did (a
// jar before encode); no broker. The trace is generated once and held in primitive arrays (about 60 B an event,
// nothing for the GC to mark per event); each pass makes every VmEvent fresh from them, as a trace source does. Each jar runs in a class loader of its own, passes
// alternate A B B A, thread CPU time per event, the median of the pairs' ratios printed. Public API only, so it runs
// against any jar that has VmBatcher.likeTraceProducer (compiled against B.jar, which must be the newer):
//
//   java -Xmx3g -Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.coiommu.schema -cp B.jar docs/bench/ProduceAb.java \
//       A.jar B.jar fleet:hosts=50,vms=1000,duration=2s,seed=3 7
//
// The second jar's loader is not neutral: B.jar against itself gave B/A 1.01 to 1.05 (6 runs, 2 shared cores), so a
// gain of a few per cent needs both orders (A B and B A) to be told from that bias.
import io.coiommu.producer.*;
import io.coiommu.schema.*;
import java.io.*;
import java.lang.management.*;
import java.net.*;
import java.nio.file.Path;
import java.util.*;
import java.util.function.LongSupplier;

public class ProduceAb {
  static final ThreadMXBean T = ManagementFactory.getThreadMXBean();

  /**
   * The workload's events as columns: {vm index int[], kind byte[] (type | direction << 4 | hasGpa << 7),
   * ts, iova, gpa, bytes, callId, guestMemoryBytes long[], device index int[], host index int[], String[] vms,
   * String[] devices, String[] hosts}. Only platform types, so the other jar's loader can read them.
   */
  public static Object[] generate(String workload) {
    int cap = 1 << 20, n = 0;
    int[] vm = new int[cap], dev = new int[cap], host = new int[cap];
    byte[] kind = new byte[cap];
    long[][] l = new long[6][cap];
    Map<String, Integer> vms = new LinkedHashMap<>(), devices = new LinkedHashMap<>(), hosts = new LinkedHashMap<>();
    try (TraceSource s = EndOfTrace.stopOpenVms(Workloads.open(workload))) {
      while (s.hasNext()) {
        if (n == cap) {
          cap *= 2;
          vm = Arrays.copyOf(vm, cap); dev = Arrays.copyOf(dev, cap); host = Arrays.copyOf(host, cap);
          kind = Arrays.copyOf(kind, cap);
          for (int c = 0; c < 6; c++) l[c] = Arrays.copyOf(l[c], cap);
        }
        VmEvent v = s.next();
        TraceEvent e = v.event();
        vm[n] = vms.computeIfAbsent(v.vm(), k -> vms.size());
        dev[n] = devices.computeIfAbsent(e.getDevice(), k -> devices.size());
        host[n] = hosts.computeIfAbsent(e.getHost(), k -> hosts.size());
        kind[n] = (byte) (e.getType().ordinal() | e.getDirection().ordinal() << 4 | (e.getGpa() == null ? 0 : 0x80));
        l[0][n] = e.getTsNs(); l[1][n] = e.getIova(); l[2][n] = e.getGpa() == null ? 0 : e.getGpa();
        l[3][n] = e.getBytes(); l[4][n] = e.getCallId(); l[5][n] = e.getGuestMemoryBytes();
        n++;
      }
    }
    return new Object[] {n, vm, kind, l, dev, host,
        vms.keySet().toArray(new String[0]), devices.keySet().toArray(new String[0]), hosts.keySet().toArray(new String[0])};
  }

  /** One pass: every event made fresh, batched, each batch serialized; returns the wire bytes. */
  public static LongSupplier passOver(Object[] t) {
    int n = (Integer) t[0];
    int[] vm = (int[]) t[1], dev = (int[]) t[4], host = (int[]) t[5];
    byte[] kind = (byte[]) t[2];
    long[][] l = (long[][]) t[3];
    String[] vms = (String[]) t[6], devices = (String[]) t[7], hosts = (String[]) t[8];
    EventType[] types = EventType.values();
    DmaDirection[] dirs = DmaDirection.values();
    boolean encodes = Arrays.stream(EventBatchBuilder.class.getMethods()).anyMatch(m -> m.getName().equals("encode"));
    AvroSerde<EventBatch> serde = AvroSerde.of(EventBatch.class);
    return () -> {
      long[] wire = {0};
      VmBatcher batcher = encodes ? encoding(wire)
          : VmBatcher.likeTraceProducer(b -> wire[0] += serde.serialize("trace", b).length);
      for (int i = 0; i < n; i++) {
        batcher.add(event(i, kind, l, vm, dev, host, vms, devices, hosts, types, dirs));
      }
      batcher.flushAll();
      return wire[0];
    };
  }

  /** A batcher whose sink makes each record value as TraceProducer does; only called where the jar has encode. */
  static VmBatcher encoding(long[] wire) {
    return VmBatcher.likeTraceProducer(
        (VmBatcher.Sink) (vm, seq, firstIndex, events) -> wire[0] += events.encode(vm, seq, firstIndex).length);
  }

  /** The events made as in passOver, not batched: the part of a pass that is this harness's, not the producer's. */
  public static long materializeOnly(Object[] t) {
    int n = (Integer) t[0];
    int[] vm = (int[]) t[1], dev = (int[]) t[4], host = (int[]) t[5];
    byte[] kind = (byte[]) t[2];
    long[][] l = (long[][]) t[3];
    String[] vms = (String[]) t[6], devices = (String[]) t[7], hosts = (String[]) t[8];
    EventType[] types = EventType.values();
    DmaDirection[] dirs = DmaDirection.values();
    List<VmEvent> sink = new ArrayList<>(1);
    long c0 = T.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) {
      sink.clear();
      sink.add(event(i, kind, l, vm, dev, host, vms, devices, hosts, types, dirs));
    }
    return T.getCurrentThreadCpuTime() - c0;
  }

  static VmEvent event(int i, byte[] kind, long[][] l, int[] vm, int[] dev, int[] host, String[] vms, String[] devices,
      String[] hosts, EventType[] types, DmaDirection[] dirs) {
    int k = kind[i];
    // Setters, not the all-fields constructor: that one boxes every long.
    TraceEvent e = new TraceEvent();
    e.setType(types[k & 0x0f]); e.setTsNs(l[0][i]); e.setDevice(devices[dev[i]]); e.setIova(l[1][i]);
    e.setGpa((k & 0x80) != 0 ? Long.valueOf(l[2][i]) : null); e.setBytes(l[3][i]);
    e.setDirection(dirs[(k >>> 4) & 0x07]); e.setCallId(l[4][i]); e.setGuestMemoryBytes(l[5][i]);
    e.setHost(hosts[host[i]]);
    return new VmEvent(vms[vm[i]], e);
  }

  static final class JarLoader extends URLClassLoader {
    JarLoader(Path jar) throws IOException { super(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader()); }
    @Override protected Class<?> findClass(String name) throws ClassNotFoundException {
      if (!name.startsWith("ProduceAb")) return super.findClass(name);
      try (InputStream in = ProduceAb.class.getClassLoader().getResourceAsStream(name.replace('.', '/') + ".class")) {
        byte[] b = in.readAllBytes(); return defineClass(name, b, 0, b.length);
      } catch (IOException e) { throw new UncheckedIOException(e); }
    }
  }

  public static void main(String[] a) throws Exception {
    Class<?>[] c = new Class<?>[2];
    for (int s = 0; s < 2; s++) c[s] = Class.forName("ProduceAb", true, new JarLoader(Path.of(a[s])));
    Object[] trace = (Object[]) c[0].getMethod("generate", String.class).invoke(null, a[2]);
    int events = (Integer) trace[0];
    LongSupplier[] side = new LongSupplier[2];
    for (int s = 0; s < 2; s++) side[s] = (LongSupplier) c[s].getMethod("passOver", Object[].class).invoke(null, (Object) trace);
    int pairs = Integer.parseInt(a[3]);
    List<Double> ratios = new ArrayList<>(), ra = new ArrayList<>(), rb = new ArrayList<>();
    long[] wire = new long[2];
    for (int p = -2; p < pairs; p++) {
      double[] ns = new double[2];
      for (int k = 0; k < 2; k++) {
        int s = (p & 1) == 0 ? k : 1 - k;
        long c0 = T.getCurrentThreadCpuTime(); wire[s] = side[s].getAsLong();
        ns[s] = (T.getCurrentThreadCpuTime() - c0) / (double) events;
      }
      System.out.printf("%s %d: A %.1f  B %.1f ns/event  B/A %.3f%n", p < 0 ? "warm-up" : "pair", p, ns[0], ns[1], ns[1] / ns[0]);
      if (p >= 0) { ratios.add(ns[1] / ns[0]); ra.add(ns[0]); rb.add(ns[1]); }
    }
    List<Double> floor = new ArrayList<>();
    for (int p = 0; p < 3; p++) floor.add((Long) c[1].getMethod("materializeOnly", Object[].class).invoke(null, (Object) trace) / (double) events);
    Collections.sort(floor);
    System.out.printf("this harness's own part (events made, not batched): median %.1f ns/event of 3%n", floor.get(1));
    Collections.sort(ratios); Collections.sort(ra); Collections.sort(rb);
    double ma = ra.get(ra.size() / 2), mb = rb.get(rb.size() / 2);
    System.out.printf("events %d, wire bytes A %d B %d; median A %.1f ns/event (%.2f M events per CPU s), B %.1f (%.2f M); "
        + "B/A median of pairs %.3f (min %.3f max %.3f)%n", events, wire[0], wire[1], ma, 1e3 / ma, mb, 1e3 / mb,
        ratios.get(ratios.size() / 2), ratios.get(0), ratios.get(ratios.size() - 1));
  }
}
