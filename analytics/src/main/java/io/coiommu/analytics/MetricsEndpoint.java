package io.coiommu.analytics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * The run's figures for Prometheus (and so Grafana), per (scenario, VM) with labels scenario, vm
 * and host, served on 127.0.0.1 at /metrics. Values are read from the summary at scrape time, so
 * they follow the run as results arrive; sum by (scenario, host) gives host figures.
 */
public final class MetricsEndpoint implements AutoCloseable {

  static final String[] LABELS = {"scenario", "vm", "host"};

  private final HTTPServer server;

  private MetricsEndpoint(HTTPServer server) {
    this.server = server;
  }

  /** Serves on 127.0.0.1:port (0: any free port, see {@link #port()}). */
  public static MetricsEndpoint start(RunSummary summary, int port) throws IOException {
    return start(summary, Dashboard.LOOPBACK, port);
  }

  /** Serves on another address, for a Prometheus server on another host or container. */
  public static MetricsEndpoint start(RunSummary summary, String bindAddress, int port)
      throws IOException {
    return new MetricsEndpoint(
        HTTPServer.builder()
            .hostname(bindAddress)
            .port(port)
            .registry(registry(summary))
            .buildAndStart());
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }

  static PrometheusRegistry registry(RunSummary summary) {
    PrometheusRegistry registry = new PrometheusRegistry();
    gauge(
        registry,
        summary,
        "coiommu_pinned_bytes",
        "Guest memory pinned at the end of the latest result",
        VmRun::pinnedBytesNow);
    gauge(
        registry,
        summary,
        "coiommu_peak_pinned_bytes",
        "Most guest memory pinned at any instant so far",
        VmRun::peakPinnedBytes);
    gauge(
        registry,
        summary,
        "coiommu_avg_pinned_bytes",
        "Time-weighted average pinned guest memory so far",
        VmRun::avgPinnedBytes);
    gauge(registry, summary, "coiommu_guest_bytes", "Guest memory size", VmRun::guestBytes);
    gauge(
        registry,
        summary,
        "coiommu_reclaimable_bytes",
        "Guest memory not pinned now: the overcommit headroom the policy leaves",
        v -> v.guestBytes() - v.pinnedBytesNow());
    gauge(
        registry,
        summary,
        "coiommu_mapped_bytes",
        "Guest memory under a live DMA mapping now",
        v -> v.total(WindowMetric.MAPPED_PAGES) * Units.PAGE_BYTES);
    gauge(
        registry,
        summary,
        "coiommu_dtt_bytes",
        "Memory of coIOMMU's DMA tracking table now",
        v -> v.total(WindowMetric.DTT_BYTES));
    gauge(
        registry,
        summary,
        "coiommu_trace_seconds",
        "Trace time the results cover so far",
        v -> Units.seconds(v.durationNs()));
    gauge(
        registry,
        summary,
        "coiommu_run_complete",
        "1 once the VM's last result arrived",
        v -> v.sawLast() ? 1 : 0);
    counter(
        registry,
        summary,
        WindowMetric.NOTIFICATIONS,
        "coiommu_notifications",
        "Synchronous guest-to-host requests");
    counter(registry, summary, WindowMetric.EXITS, "coiommu_exits", "VM exits the policy causes");
    counter(registry, summary, WindowMetric.PINS, "coiommu_pins", "Pages pinned");
    counter(registry, summary, WindowMetric.UNPINS, "coiommu_unpins", "Pages unpinned");
    counter(
        registry, summary, WindowMetric.VFIO_MAPS, "coiommu_vfio_maps", "VFIO DMA map operations");
    counter(
        registry,
        summary,
        WindowMetric.VFIO_UNMAPS,
        "coiommu_vfio_unmaps",
        "VFIO DMA unmap operations");
    counter(
        registry,
        summary,
        WindowMetric.IOTLB_INVALIDATIONS,
        "coiommu_iotlb_invalidations",
        "IOTLB invalidations");
    counter(registry, summary, WindowMetric.MAP_CALLS, "coiommu_map_calls", "Guest DMA map calls");
    counter(
        registry,
        summary,
        WindowMetric.MAP_CALLS_NO_EXIT,
        "coiommu_map_calls_no_exit",
        "Map calls that cost no exit");
    counter(
        registry,
        summary,
        WindowMetric.IO_PAGE_FAULTS,
        "coiommu_io_page_faults",
        "I/O page faults");
    counter(
        registry,
        summary,
        WindowMetric.BALLOON_REQUESTED_BYTES,
        "coiommu_balloon_requested_bytes",
        "Bytes the balloon asked to reclaim");
    counter(
        registry,
        summary,
        WindowMetric.BALLOON_RECLAIMED_BYTES,
        "coiommu_balloon_reclaimed_bytes",
        "Bytes the balloon reclaimed");
    counter(
        registry,
        summary,
        WindowMetric.BALLOON_REFUSED_BYTES,
        "coiommu_balloon_refused_bytes",
        "Bytes the balloon could not reclaim");
    CounterWithCallback.builder()
        .name("coiommu_cpu_cost_seconds")
        .help("Host CPU time the policy cost, from the engine's cost model")
        .labelNames(LABELS)
        .callback(
            cb ->
                each(
                    summary,
                    vm ->
                        cb.call(
                            vm.total(WindowMetric.CPU_COST_NS) / Units.NANOS_PER_SECOND,
                            vm.scenario(),
                            vm.vm(),
                            vm.host())))
        .register(registry);
    counter(
        registry,
        summary,
        WindowMetric.DMA_SAFETY_VIOLATIONS,
        "coiommu_dma_safety_violations",
        "DMA maps or accesses that found a page unpinned (must stay 0)");
    counter(
        registry,
        summary,
        WindowMetric.ANOMALIES,
        "coiommu_anomalies",
        "Events that made no sense");
    return registry;
  }

  private static void gauge(
      PrometheusRegistry registry,
      RunSummary summary,
      String name,
      String help,
      ToDoubleFunction<VmRun> value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames(LABELS)
        .callback(
            cb ->
                each(
                    summary,
                    vm -> cb.call(value.applyAsDouble(vm), vm.scenario(), vm.vm(), vm.host())))
        .register(registry);
  }

  private static void counter(
      PrometheusRegistry registry,
      RunSummary summary,
      WindowMetric metric,
      String name,
      String help) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames(LABELS)
        .callback(
            cb -> each(summary, vm -> cb.call(vm.total(metric), vm.scenario(), vm.vm(), vm.host())))
        .register(registry);
  }

  /** Visits every (scenario, VM) while holding the summary, as the thread adding results does. */
  private static void each(RunSummary summary, Consumer<VmRun> visit) {
    synchronized (summary) {
      summary.scenarios().forEach(sc -> sc.vms().forEach(visit));
    }
  }
}
