package io.coiommu.launcher.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.producer.Events;
import io.coiommu.producer.VmEvent;
import io.coiommu.schema.DmaDirection;
import io.coiommu.schema.EventType;
import java.util.List;
import org.junit.jupiter.api.Test;

class IommuCallsTest {

  private static final String DEV = "0000:00:03.0";
  private static final long PAGE = 4096;

  private static VmEvent map(long ts, long iova, long gpa, long callId) {
    return new VmEvent(
        "vm", Events.map(ts, DEV, iova, gpa, PAGE, DmaDirection.BIDIRECTIONAL, callId));
  }

  private static VmEvent unmap(long ts, long iova, long bytes) {
    return new VmEvent("vm", Events.unmap(ts, DEV, iova, null, bytes, 0));
  }

  @Test
  void segmentsUnmappedTogetherAreOneCallEvenAcrossAnInterruptsUnmap() {
    List<VmEvent> in =
        List.of(
            map(10, 0x9000, 0x1000, 1),
            map(20, 0x1000, 0x7000, 2),
            // An interrupt completes the single-page request between the second and third segments.
            map(21, 0x2000, 0x8000, 3),
            unmap(22, 0x9000, PAGE),
            map(23, 0x3000, 0x5000, 4),
            unmap(40, 0x1000, 3 * PAGE));

    List<VmEvent> out = IommuCalls.regroup(in);

    assertThat(out)
        .extracting(v -> v.event().getType())
        .containsExactly(
            EventType.DMA_MAP,
            EventType.DMA_MAP,
            EventType.DMA_MAP,
            EventType.DMA_MAP,
            EventType.DMA_UNMAP,
            EventType.DMA_UNMAP,
            EventType.DMA_UNMAP,
            EventType.DMA_UNMAP);
    // The three segments follow each other, with the first one's call id and time.
    assertThat(out.subList(1, 4)).extracting(v -> v.event().getCallId()).containsOnly(2L);
    assertThat(out.subList(1, 4)).extracting(v -> v.event().getTsNs()).containsOnly(20L);
    assertThat(out.subList(1, 4))
        .extracting(v -> v.event().getIova())
        .containsExactly(0x1000L, 0x2000L, 0x3000L);
    // The interrupt's unmap stays whole; the range unmap becomes one unmap per mapping, in one
    // call.
    assertThat(out.get(4).event().getIova()).isEqualTo(0x9000L);
    assertThat(out.subList(5, 8))
        .extracting(v -> v.event().getIova())
        .containsExactly(0x1000L, 0x2000L, 0x3000L);
    assertThat(out.subList(5, 8)).extracting(v -> v.event().getBytes()).containsOnly(PAGE);
    assertThat(out.subList(5, 8)).extracting(v -> v.event().getCallId()).containsOnly(-6L);
    assertThat(out.subList(5, 8))
        .extracting(v -> v.event().getGpa())
        .containsExactly(0x7000L, 0x8000L, 0x5000L);
  }

  @Test
  void singleMappingsAreLeftAlone() {
    List<VmEvent> in =
        List.of(map(1, 0x1000, 0x1000, 1), unmap(2, 0x1000, PAGE), map(3, 0x1000, 0x2000, 2));
    assertThat(IommuCalls.regroup(in)).isEqualTo(in);
  }
}
