package io.coiommu.launcher.bench;

import io.coiommu.producer.TraceSource;
import io.coiommu.producer.VmEvent;
import io.coiommu.producer.Workloads;
import io.coiommu.schema.EventBatch;
import io.coiommu.schema.EventBatchBuilder;
import io.coiommu.schema.EventColumnsSerde;
import io.coiommu.schema.KnownSchemas;
import io.coiommu.schema.TraceEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The trace topic's codec alone, per event: EventBatch version 1 (a TraceEvent record per event)
 * against version 2 (columns), on the first {@link #EVENTS} events of the {@code sample} workload
 * batched per VM as the producer does. Encode is what the producer thread does from TraceEvents to
 * record bytes (v2: through an EventBatchBuilder, as VmBatcher does); decode is what the stream
 * thread does from record bytes to events the engine reads (a new TraceEvent per event in v1, the
 * columns read in place in v2). Setup prints the wire bytes per event. Run: {@code java -cp
 * launcher/target/coiommu.jar org.openjdk.jmh.Main WireCodec}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WireCodec {

  static final int EVENTS = 409_600;
  static final int BATCH = 4096;

  @Param({"v1", "v2"})
  public String version;

  private final List<String> vms = new ArrayList<>();
  private final List<List<TraceEvent>> batches = new ArrayList<>();
  private final List<byte[]> wire = new ArrayList<>();
  private BinaryMessageEncoder<EventBatch> v1Encoder;
  private BinaryMessageDecoder<EventBatch> v1Decoder;
  private final EventColumnsSerde v2Columns = new EventColumnsSerde();
  private final EventBatchBuilder builder =
      new EventBatchBuilder(BATCH * EventBatchBuilder.TYPICAL_BYTES_PER_EVENT);

  @Setup
  public void generate() throws IOException {
    SpecificData model = SpecificData.getForClass(EventBatch.class);
    // Version 1 exactly as it was read before version 2: its own schema on both sides, no
    // resolution.
    v1Encoder = new BinaryMessageEncoder<>(model, KnownSchemas.EVENT_BATCH_V1);
    v1Decoder = new BinaryMessageDecoder<>(model, KnownSchemas.EVENT_BATCH_V1);
    Map<String, List<TraceEvent>> pending = new LinkedHashMap<>();
    try (TraceSource source = Workloads.open("sample")) {
      for (int i = 0; i < EVENTS && source.hasNext(); i++) {
        VmEvent e = source.next();
        List<TraceEvent> events = pending.computeIfAbsent(e.vm(), vm -> new ArrayList<>());
        events.add(e.event());
        if (events.size() == BATCH) {
          vms.add(e.vm());
          batches.add(pending.remove(e.vm()));
        }
      }
    }
    pending.forEach(
        (vm, events) -> {
          vms.add(vm);
          batches.add(events);
        });
    long bytes = 0;
    for (int b = 0; b < batches.size(); b++) {
      byte[] record = encode(b);
      wire.add(record);
      bytes += record.length;
    }
    System.out.printf(
        "%n%s: %.2f wire bytes per event over %d batches%n",
        version, (double) bytes / EVENTS, batches.size());
  }

  private byte[] encode(int b) throws IOException {
    if (version.equals("v1")) {
      ByteBuffer none = ByteBuffer.allocate(0);
      ByteBuffer buf =
          v1Encoder.encode(
              new EventBatch(
                  vms.get(b),
                  (long) b,
                  batches.get(b),
                  0,
                  none,
                  none,
                  none,
                  none,
                  none,
                  none,
                  List.of(),
                  none,
                  List.of(),
                  -1L));
      byte[] out = new byte[buf.remaining()];
      buf.get(out);
      return out;
    }
    // As the producer's VmBatcher encodes a pending batch: event by event into a reused builder.
    for (TraceEvent e : batches.get(b)) {
      builder.add(e);
    }
    return builder.encode(vms.get(b), b, -1);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void encode(Blackhole out) throws IOException {
    for (int b = 0; b < batches.size(); b++) {
      out.consume(encode(b));
    }
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void decode(Blackhole out) throws IOException {
    if (version.equals("v1")) {
      for (byte[] record : wire) {
        for (TraceEvent e : v1Decoder.decode(record).getEvents()) {
          out.consume(e);
        }
      }
      return;
    }
    // The engine reads the columns in place (VmEmulator.onEvents): no event object is filled.
    for (byte[] record : wire) {
      out.consume(v2Columns.deserialize("t", record));
    }
  }
}
