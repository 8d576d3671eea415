package io.coiommu.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.producer.TraceSource;
import io.coiommu.producer.VmEvent;
import io.coiommu.schema.TraceEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bench's replay hands the producer every event of the held trace, in order, with its VM, while
 * refilling one event object, made anew now and then so that it stays young; a consumer that keeps
 * events takes them from {@code events()}.
 */
class BenchTraceTest {

  private static final BenchTrace TRACE =
      BenchTrace.generate("fleet:hosts=2,vms=24,duration=2s,seed=5");

  @Test
  void theReplayGivesEveryEventsValuesInOrder() {
    List<VmEvent> fresh = TRACE.events();
    List<Long> taken = new ArrayList<>();
    int i = 0;
    try (TraceSource replay = TRACE.replay(taken::add)) {
      while (replay.hasNext()) {
        VmEvent e = replay.next();
        VmEvent expected = fresh.get(i);
        assertThat(e.vm()).as("VM of event %d", i).isEqualTo(expected.vm());
        // Avro's equals compares every field, the gpa's presence and the strings' contents
        // included.
        assertThat(e.event()).as("event %d", i).isEqualTo(expected.event());
        i++;
      }
    }
    assertThat(i).isEqualTo(TRACE.size()).isGreaterThan(2 * BenchTrace.FRESH_EVERY);
    assertThat(taken).hasSize(TRACE.size()).startsWith(0L, 1L, 2L);
  }

  @Test
  void theReplayRefillsOneEventAndTheListMakesThemAfresh() {
    try (TraceSource replay = TRACE.replay(n -> {})) {
      TraceEvent first = replay.next().event();
      long firstTs = first.getTsNs();
      TraceEvent second = replay.next().event();
      assertThat(second).isSameAs(first);
      assertThat(TRACE.events().get(0).event().getTsNs()).isEqualTo(firstTs);
      assertThat(TRACE.events().get(0).event()).isNotSameAs(TRACE.events().get(0).event());
    }
  }

  @Test
  void theRefilledEventIsMadeAnewEveryFreshEveryEvents() {
    try (TraceSource replay = TRACE.replay(n -> {})) {
      List<TraceEvent> objects = new ArrayList<>();
      for (int i = 0; i <= 2 * BenchTrace.FRESH_EVERY; i++) {
        TraceEvent e = replay.next().event();
        if (objects.isEmpty() || objects.get(objects.size() - 1) != e) {
          objects.add(e);
        }
        if (i == BenchTrace.FRESH_EVERY || i == 2 * BenchTrace.FRESH_EVERY) {
          assertThat(e).as("event %d", i).isEqualTo(TRACE.events().get(i).event());
        }
      }
      assertThat(objects).as("one event object per %d events", BenchTrace.FRESH_EVERY).hasSize(3);
    }
  }
}
