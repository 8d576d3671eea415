package io.coiommu.launcher.bench;

import io.coiommu.producer.VmEvent;
import io.coiommu.schema.WindowResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * Latency from an event's production to the result of its window, one value per event of the trace.
 *
 * <p>Instant 1, production: {@link System#nanoTime()} when {@code TraceProducer} takes the event
 * from the trace source, right before it batches and sends it. Instant 2, result: {@code
 * System.nanoTime()} when the results consumer's {@code poll()} returns the first {@code
 * WindowResult} of the event's VM whose span covers the event's timestamp (span start <= ts < span
 * end; the VM's last record covers everything left). All scenarios of a span are written in one
 * Streams transaction, so the first scenario's record is visible when all are. Both instants are
 * taken in the same JVM, on the same monotonic clock.
 */
final class WindowLatency implements EndToEndBench.ResultListener {

  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(30);

  private final long[] tsByEvent;
  private final AtomicLongArray producedNanos;

  /**
   * Per VM, the indices of its events in trace order, and how many of them already have a result.
   */
  private final Map<String, int[]> eventsOfVm = new HashMap<>();

  private final Map<String, int[]> resolved = new HashMap<>();
  private final Histogram micros = new Histogram(MAX_MICROS, 3);

  WindowLatency(List<VmEvent> events) {
    tsByEvent = new long[events.size()];
    producedNanos = new AtomicLongArray(events.size());
    Map<String, List<Integer>> byVm = new HashMap<>();
    for (int i = 0; i < events.size(); i++) {
      tsByEvent[i] = events.get(i).event().getTsNs();
      byVm.computeIfAbsent(events.get(i).vm(), vm -> new ArrayList<>()).add(i);
    }
    byVm.forEach(
        (vm, indices) -> {
          eventsOfVm.put(vm, indices.stream().mapToInt(Integer::intValue).toArray());
          resolved.put(vm, new int[1]);
        });
  }

  /** Called by the producer's thread as it takes event {@code index}. */
  void produced(long index) {
    producedNanos.set((int) index, System.nanoTime());
  }

  @Override
  public void received(WindowResult result, long receivedNanos) {
    int[] indices = eventsOfVm.get(result.getVm());
    if (indices == null) {
      return;
    }
    int[] done = resolved.get(result.getVm());
    while (done[0] < indices.length
        && (result.getLast() || tsByEvent[indices[done[0]]] < result.getWindowEndNs())) {
      long produced = producedNanos.get(indices[done[0]]);
      micros.recordValue(Math.min(MAX_MICROS, Math.max(0, (receivedNanos - produced) / 1000)));
      done[0]++;
    }
  }

  long count() {
    return micros.getTotalCount();
  }

  /** Latency in seconds at {@code percentile} (0..100). */
  double seconds(double percentile) {
    return micros.getValueAtPercentile(percentile) / 1e6;
  }
}
