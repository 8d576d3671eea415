package io.coiommu.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.DmaDirection;
import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import org.junit.jupiter.api.Test;

/**
 * Each event Events makes equals the one the schema's builder makes from the fields its type uses:
 * Events fills an empty event field by field, so a field it forgot would stay null or 0 where the
 * schema's default is "" or BIDIRECTIONAL.
 */
class EventsTest {

  private static final String NIC = "0000:03:00.0";

  /** Values above 127, which a boxing constructor could not take from the Long cache. */
  private static final long TS = 1_234_567_890_123L;

  private static final long IOVA = 0xFFFF_E000L;
  private static final long GPA = 0x1_2345_6000L;
  private static final long BYTES = 4096;
  private static final long CALL = 70_001;

  private static TraceEvent.Builder schema(EventType type) {
    return TraceEvent.newBuilder().setType(type).setTsNs(TS);
  }

  @Test
  void vmEventsCarryOnlyTheirTimeAndForAStartItsGuestAndHost() {
    assertThat(Events.vmStart(TS, "host-7", 16L << 30))
        .isEqualTo(
            schema(EventType.VM_START).setGuestMemoryBytes(16L << 30).setHost("host-7").build());
    assertThat(Events.vmStop(TS)).isEqualTo(schema(EventType.VM_STOP).build());
  }

  @Test
  void mapsAndAllocsCarryTheirDirectionAndCall() {
    assertThat(Events.map(TS, NIC, IOVA, GPA, BYTES, DmaDirection.FROM_DEVICE, CALL))
        .isEqualTo(
            schema(EventType.DMA_MAP)
                .setDevice(NIC)
                .setIova(IOVA)
                .setGpa(GPA)
                .setBytes(BYTES)
                .setDirection(DmaDirection.FROM_DEVICE)
                .setCallId(CALL)
                .build());
    assertThat(Events.alloc(TS, NIC, IOVA, GPA, BYTES, DmaDirection.TO_DEVICE, CALL))
        .isEqualTo(
            schema(EventType.DMA_ALLOC)
                .setDevice(NIC)
                .setIova(IOVA)
                .setGpa(GPA)
                .setBytes(BYTES)
                .setDirection(DmaDirection.TO_DEVICE)
                .setCallId(CALL)
                .build());
  }

  @Test
  void unmapsAndFreesMayGoWithoutTheirGpa() {
    assertThat(Events.unmap(TS, NIC, IOVA, null, BYTES, CALL))
        .isEqualTo(
            schema(EventType.DMA_UNMAP)
                .setDevice(NIC)
                .setIova(IOVA)
                .setBytes(BYTES)
                .setCallId(CALL)
                .build());
    assertThat(Events.unmap(TS, NIC, IOVA, GPA, BYTES, CALL).getGpa()).isEqualTo(GPA);
    assertThat(Events.free(TS, NIC, IOVA, GPA, BYTES))
        .isEqualTo(
            schema(EventType.DMA_FREE)
                .setDevice(NIC)
                .setIova(IOVA)
                .setGpa(GPA)
                .setBytes(BYTES)
                .build());
  }

  @Test
  void accessesBalloonsAndFaultsCarryTheirFewFields() {
    assertThat(Events.access(TS, NIC, GPA, BYTES))
        .isEqualTo(schema(EventType.DMA_ACCESS).setDevice(NIC).setGpa(GPA).setBytes(BYTES).build());
    assertThat(Events.balloonInflate(TS, GPA, 1L << 30))
        .isEqualTo(schema(EventType.BALLOON_INFLATE).setGpa(GPA).setBytes(1L << 30).build());
    assertThat(Events.balloonDeflate(TS, GPA, 1L << 30))
        .isEqualTo(schema(EventType.BALLOON_DEFLATE).setGpa(GPA).setBytes(1L << 30).build());
    assertThat(Events.ioPageFault(TS, NIC, IOVA))
        .isEqualTo(schema(EventType.IO_PAGE_FAULT).setDevice(NIC).setIova(IOVA).build());
  }
}
