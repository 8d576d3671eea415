package io.coiommu.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkloadsTest {

  private static TraceChecks check(String spec) {
    TraceChecks checks = new TraceChecks();
    try (TraceSource source = Workloads.open(spec)) {
      source.forEachRemaining(checks::accept);
      assertThat(source.rejects()).isEqualTo(RejectStats.NONE);
    }
    assertThat(checks.stopped).as("every VM stops").isEqualTo(checks.started);
    return checks;
  }

  @Test
  void sampleKeepsTheContractAndHasTheAdvertisedShape() {
    TraceChecks c = check(Workloads.SAMPLE);
    assertThat(c.started)
        .containsExactlyInAnyOrder("nic-a", "storage-a", "nic-b", "gpu-b", "idle-b");
    assertThat(c.events).isBetween(1_000_000L, 4_000_000L);
    assertThat(c.count(EventType.DMA_UNMAP)).isPositive();
    assertThat(c.count(EventType.BALLOON_INFLATE)).isPositive();
    assertThat(c.count(EventType.BALLOON_DEFLATE)).isPositive();
    assertThat(c.count(EventType.DMA_ALLOC)).isEqualTo(c.count(EventType.DMA_FREE)).isPositive();
    // Teardown unmaps everything that is still mapped.
    assertThat(c.count(EventType.DMA_MAP)).isEqualTo(c.count(EventType.DMA_UNMAP));
  }

  @Test
  void sampleLastsAtLeastSixtySecondsOnTwoHosts() {
    Set<String> hosts = new HashSet<>();
    long last = 0;
    try (TraceSource s = Workloads.open("sample")) {
      while (s.hasNext()) {
        TraceEvent e = s.next().event();
        last = Math.max(last, e.getTsNs());
        if (e.getType() == EventType.VM_START) {
          hosts.add(e.getHost());
        }
      }
    }
    assertThat(hosts).hasSize(2);
    assertThat(last).isGreaterThanOrEqualTo(60_000_000_000L);
  }

  @Test
  void sameSeedSameEventsOtherSeedOtherEvents() {
    assertThat(firstEvents("nic:duration=2s,seed=5", 20_000))
        .isEqualTo(firstEvents("nic:duration=2s,seed=5", 20_000));
    assertThat(firstEvents("nic:duration=2s,seed=5", 20_000))
        .isNotEqualTo(firstEvents("nic:duration=2s,seed=6", 20_000));
    assertThat(firstEvents("fleet:vms=6,duration=3s,seed=3", 30_000))
        .isEqualTo(firstEvents("fleet:vms=6,duration=3s,seed=3", 30_000));
  }

  private static List<VmEvent> firstEvents(String spec, int n) {
    List<VmEvent> out = new ArrayList<>();
    try (TraceSource s = Workloads.open(spec)) {
      while (s.hasNext() && out.size() < n) {
        out.add(s.next());
      }
    }
    return out;
  }

  @Test
  void nicStorageAndGpuDevicesAccessExactlyTheBuffersTheyHaveMapped() {
    for (String spec :
        List.of("nic:duration=2s,pps=5000", "storage:duration=2s,iops=2000", "gpu:duration=2s")) {
      // Per device: gpa of each live mapping -> its length; an access names one whole live buffer.
      Map<String, Map<Long, Long>> live = new HashMap<>();
      Map<String, Long> iovaToGpa = new HashMap<>();
      long accesses = 0;
      try (TraceSource s = Workloads.open(spec)) {
        while (s.hasNext()) {
          TraceEvent e = s.next().event();
          Map<Long, Long> dev = live.computeIfAbsent(e.getDevice(), d -> new HashMap<>());
          switch (e.getType()) {
            case DMA_MAP, DMA_ALLOC -> {
              dev.put(e.getGpa(), e.getBytes());
              iovaToGpa.put(e.getDevice() + "/" + e.getIova(), e.getGpa());
            }
            case DMA_UNMAP, DMA_FREE ->
                dev.remove(iovaToGpa.remove(e.getDevice() + "/" + e.getIova()));
            case DMA_ACCESS -> {
              accesses++;
              assertThat(dev.get(e.getGpa())).as("%s: access %s", spec, e).isEqualTo(e.getBytes());
            }
            default -> {}
          }
        }
      }
      assertThat(accesses).as(spec).isPositive();
    }
  }

  @Test
  void nicRecyclesTheSamePages() {
    Map<Long, Integer> mapsPerPage = new HashMap<>();
    try (TraceSource s = Workloads.open("nic:duration=2s,pps=5000")) {
      s.forEachRemaining(
          e -> {
            if (e.event().getType() == EventType.DMA_MAP
                && e.event().getDirection().name().equals("FROM_DEVICE")) {
              mapsPerPage.merge(e.event().getGpa() >>> 12, 1, Integer::sum);
            }
          });
    }
    long reused = mapsPerPage.values().stream().filter(n -> n > 1).count();
    assertThat(reused).as("RX pages mapped more than once").isGreaterThan(mapsPerPage.size() / 2);
  }

  @Test
  void storageMapsScatterGatherCallsWithOneCallId() {
    Map<Long, Integer> rangesPerCall = new HashMap<>();
    try (TraceSource s = Workloads.open("storage:duration=2s,iops=2000")) {
      s.forEachRemaining(
          e -> {
            if (e.event().getType() == EventType.DMA_MAP) {
              rangesPerCall.merge(e.event().getCallId(), 1, Integer::sum);
            }
          });
    }
    assertThat(rangesPerCall.values()).anyMatch(n -> n > 1);
  }

  @Test
  void everyWorkloadKeepsTheContract() {
    for (String spec :
        List.of(
            "nic:duration=1s",
            "storage:duration=1s",
            "nvme:duration=1s,ws=64m,reuse=0.5",
            "gpu:duration=1s",
            "idle:duration=1s",
            "balloon:duration=3s,mem=1g",
            "fleet:hosts=2,vms=8,duration=5s,seed=7")) {
      TraceChecks c = check(spec);
      assertThat(c.started).as(spec).isNotEmpty();
    }
  }

  @Test
  void fleetHasArrivalsAndDeparturesAndSpreadsOverHosts() {
    Map<String, Long> starts = new HashMap<>();
    Map<String, Long> stops = new HashMap<>();
    Set<String> hosts = new HashSet<>();
    try (TraceSource s = Workloads.open("fleet:hosts=3,vms=24,duration=10s,seed=2,churn=0.5")) {
      s.forEachRemaining(
          e -> {
            if (e.event().getType() == EventType.VM_START) {
              starts.put(e.vm(), e.event().getTsNs());
              hosts.add(e.event().getHost());
            } else if (e.event().getType() == EventType.VM_STOP) {
              stops.put(e.vm(), e.event().getTsNs());
            }
          });
    }
    assertThat(starts).hasSize(24);
    assertThat(hosts).hasSize(3);
    assertThat(starts.values()).anyMatch(t -> t > 0);
    assertThat(stops.values()).anyMatch(t -> t < 10_000_000_000L);
  }

  @Test
  void badSpecsAreRefusedWithTheirReason() {
    assertThatThrownBy(() -> Workloads.open("warp"))
        .hasMessageContaining("unknown workload 'warp'");
    assertThatThrownBy(() -> Workloads.open("nic:ppss=3"))
        .hasMessageContaining("unknown key 'ppss'");
    assertThatThrownBy(() -> Workloads.open("nic:duration=soon")).hasMessageContaining("duration");
    assertThatThrownBy(() -> Workloads.open("fleet:vms=0")).hasMessageContaining("vms");
    assertThatThrownBy(() -> Workloads.open("nic:pps")).hasMessageContaining("KEY=VALUE");
  }
}
