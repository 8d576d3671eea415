package io.coiommu.launcher.bench;

import io.coiommu.processor.engine.EngineConfig;
import io.coiommu.processor.engine.Scenario;
import io.coiommu.processor.engine.ScenarioSpec;
import io.coiommu.processor.engine.VmEmulator;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.VmEvent;
import io.coiommu.producer.Workloads;
import io.coiommu.schema.EventColumns;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * Each policy's hot path alone: one VM's emulator with one scenario, fed the first {@link #EVENTS}
 * events of a busy NIC (50 000 packets/s each way: map, access and unmap of ring buffers, LRU
 * scans, flushes). The score is events per second. Run: {@code ./coiommu bench --jmh}, or {@code
 * java -cp launcher/target/coiommu.jar org.openjdk.jmh.Main PolicyHotPath} for JMH's own options.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PolicyHotPath {

  static final int EVENTS = 200_000;
  static final String WORKLOAD = "nic:pps=50000,duration=10s";

  @Param({
    "static",
    "viommu-strict",
    "viommu-lazy",
    "virtio-iommu",
    "coiommu:unpin=lru,interval=10s,limit=8192",
    "coiommu:unpin=lru,interval=10s,limit=8192,smart=off",
    "coiommu:unpin=lru,interval=10s,limit=8192,lazy=off",
    "coiommu",
    "oracle"
  })
  public String scenario;

  private List<Scenario> scenarios;
  private EventColumns events;

  @Setup
  public void generate() {
    scenarios = ScenarioSpec.parse(scenario);
    events = new EventColumns(EVENTS);
    try (TraceSource source = Workloads.open(WORKLOAD)) {
      for (int i = 0; i < EVENTS; i++) {
        VmEvent e = source.next();
        events.add(e.event());
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void replay(Blackhole results) {
    EngineBench.CountingSink sink = new EngineBench.CountingSink();
    VmEmulator emulator = new VmEmulator("vm", scenarios, EngineConfig.defaults());
    // In place from the columns, as a processor task feeds its VMs.
    emulator.onEvents(events, 0, events.size(), sink);
    emulator.finish(sink);
    results.consume(sink.windows);
  }
}
