package io.coiommu.processor.engine;

import static io.coiommu.processor.engine.Trace.S;
import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.WindowResult;
import org.junit.jupiter.api.Test;

/**
 * coiommu's ablations on one trace: map page A twice (calls 1 and 3) with an unmap in between, then
 * unmap.
 */
class AblationTest {

  private static final long GIB = 1L << 30;
  private static final long PAGE = 4096;
  private static final String BASE = "coiommu:unpin=lru,interval=10s,limit=8192,gen=10";
  private static final String NO_SMART = BASE + ",smart=off";
  private static final String NO_LAZY = BASE + ",lazy=off";
  private static final String PIN_AHEAD = BASE + ",pinahead=3";

  private static Collected run(String spec) {
    return new Trace()
        .start(0, GIB)
        .map(1 * S, 0x10000, PAGE, 1)
        .unmap(2 * S, 0x10000, 2)
        .map(3 * S, 0x10000, PAGE, 3)
        .unmap(4 * S, 0x10000, 4)
        .map(5 * S, 0x11000, PAGE, 5)
        .stop(30 * S)
        .run(spec);
  }

  @Test
  void defaultNotifiesOnlyForTheFirstMapOfEachPage() {
    // Call 1: page 0x10 unpinned -> 1 notification. Call 3: 0x10 still pinned (lazy unpinning) ->
    // none.
    // Call 5: page 0x11 unpinned -> 1. Unmaps never notify. Total 2.
    assertThat(run(BASE).sum(BASE, WindowResult::getNotifications)).isEqualTo(2);
  }

  @Test
  void smartOffNotifiesOnEveryMapCall() {
    // Three map calls, three notifications, though the second found its page pinned (no pin then).
    Collected c = run(NO_SMART);
    assertThat(c.sum(NO_SMART, WindowResult::getNotifications)).isEqualTo(3);
    assertThat(c.sum(NO_SMART, WindowResult::getPins)).isEqualTo(2);
    assertThat(c.sum(NO_SMART, WindowResult::getMapCallsNoExit)).isZero();
  }

  @Test
  void lazyOffNotifiesOnUnmapsAndUnpinsAtOnce() {
    // Each unmap drops the count to 0: notification + immediate unpin. So the second map of 0x10
    // finds it unpinned
    // and notifies again. Notifications: maps 3 + unmaps 2 = 5; pins 3, unpins 2 before the stop.
    Collected c = run(NO_LAZY);
    assertThat(c.sum(NO_LAZY, WindowResult::getNotifications)).isEqualTo(5);
    assertThat(c.at(NO_LAZY, 2 * S).getUnpins()).isEqualTo(1);
    assertThat(c.at(NO_LAZY, 2 * S).getPinnedPages()).isZero();
    // The stale LRU entries of the unpinned page are dropped by the scans (NotPinned), never
    // unpinned twice:
    // the only other unpin is page 0x11, unpinned at the stop (it is still mapped).
    assertThat(c.sum(NO_LAZY, WindowResult::getUnpins)).isEqualTo(3);
  }

  @Test
  void lazyOffListsAPageOnceHoweverOftenItIsPinnedAgain() {
    // 50 000 map/unmap pairs of one page within one interval: lazy=off pins and unpins it 50 000
    // times. Listing each
    // pin, as crosvm's append would, takes 8 bytes per pin in the NEW list (400 KB here); one entry
    // per page keeps the
    // emulator's whole state, and so what the processor commits, at a few KB.
    EngineConfig config = EngineConfig.defaults();
    VmEmulator emu = new VmEmulator("vm", ScenarioSpec.parse(NO_LAZY), config);
    Collected out = new Collected();
    emu.onEvent(
        Trace.event(io.coiommu.schema.EventType.VM_START, 0).setGuestMemoryBytes(GIB).build(), out);
    for (int i = 0; i < 50_000; i++) {
      long ts = 1_000_000L + 2_000L * i;
      emu.onEvent(
          Trace.event(io.coiommu.schema.EventType.DMA_MAP, ts)
              .setDevice("nic")
              .setIova(0x10000)
              .setGpa(0x10000L)
              .setBytes(PAGE)
              .setCallId(2L * i + 1)
              .build(),
          out);
      emu.onEvent(
          Trace.event(io.coiommu.schema.EventType.DMA_UNMAP, ts + 1_000)
              .setDevice("nic")
              .setIova(0x10000)
              .setCallId(2L * i + 2)
              .build(),
          out);
    }
    assertThat(emu.snapshot().length).isLessThan(8 * 1024);
    emu.finish(out);
    assertThat(out.windows.stream().mapToLong(WindowResult::getPins).sum()).isEqualTo(50_000);
  }

  @Test
  void pinAheadPinsTheFollowingPagesSoTheNextMapIsFree() {
    // Call 1 notifies for 0x10 and pins 0x11, 0x12, 0x13 ahead (same DTT leaf). Call 5 maps 0x11:
    // already pinned.
    Collected c = run(PIN_AHEAD);
    assertThat(c.sum(PIN_AHEAD, WindowResult::getNotifications)).isEqualTo(1);
    assertThat(c.at(PIN_AHEAD, 1 * S).getPins()).isEqualTo(4);
    assertThat(c.at(PIN_AHEAD, 1 * S).getPinnedPages()).isEqualTo(4);
    // The speculative pages were never accessed when scan 1 (10 s) ran, except 0x11 (mapped at 5 s,
    // A set):
    // 0x12 and 0x13 have A = 0 and count 0 -> unpinned at once; 0x10 (A set by call 3) and 0x11
    // stay.
    assertThat(c.at(PIN_AHEAD, 10 * S).getUnpins()).isEqualTo(2);
  }
}
