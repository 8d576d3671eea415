package io.coiommu.processor.engine;

import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds hand-written traces for one VM; times are given in milliseconds of trace time to keep
 * tests readable.
 */
final class Trace {

  static final long MS = 1_000_000L;
  static final long S = 1_000_000_000L;
  static final String NIC = "0000:03:00.0";

  final List<TraceEvent> events = new ArrayList<>();

  static TraceEvent.Builder event(EventType type, long tsNs) {
    return TraceEvent.newBuilder().setType(type).setTsNs(tsNs);
  }

  Trace start(long tsNs, long guestBytes) {
    events.add(
        event(EventType.VM_START, tsNs).setGuestMemoryBytes(guestBytes).setHost("host-a").build());
    return this;
  }

  Trace stop(long tsNs) {
    events.add(event(EventType.VM_STOP, tsNs).build());
    return this;
  }

  /** Maps [gpa, gpa + bytes) at iova = gpa, as a guest without DMA remapping does. */
  Trace map(long tsNs, long gpa, long bytes, long callId) {
    return mapAt(tsNs, gpa, gpa, bytes, callId);
  }

  Trace mapAt(long tsNs, long iova, long gpa, long bytes, long callId) {
    events.add(
        event(EventType.DMA_MAP, tsNs)
            .setDevice(NIC)
            .setIova(iova)
            .setGpa(gpa)
            .setBytes(bytes)
            .setCallId(callId)
            .build());
    return this;
  }

  /**
   * {@code n} one-page map calls at consecutive pages from {@code gpa}, call ids from {@code
   * firstCall}.
   */
  Trace mapPages(long tsNs, long gpa, int n, long firstCall) {
    for (int i = 0; i < n; i++) {
      map(tsNs, gpa + i * 4096L, 4096, firstCall + i);
    }
    return this;
  }

  /** Unmaps what {@link #mapPages} mapped, one call each. */
  Trace unmapPages(long tsNs, long gpa, int n, long firstCall) {
    for (int i = 0; i < n; i++) {
      unmap(tsNs, gpa + i * 4096L, firstCall + i);
    }
    return this;
  }

  /** Unmaps by iova only, as most traces do. */
  Trace unmap(long tsNs, long iova, long callId) {
    events.add(
        event(EventType.DMA_UNMAP, tsNs).setDevice(NIC).setIova(iova).setCallId(callId).build());
    return this;
  }

  Trace inflate(long tsNs, long gpa, long bytes) {
    events.add(event(EventType.BALLOON_INFLATE, tsNs).setGpa(gpa).setBytes(bytes).build());
    return this;
  }

  Trace access(long tsNs, long gpa, long bytes) {
    events.add(
        event(EventType.DMA_ACCESS, tsNs).setDevice(NIC).setGpa(gpa).setBytes(bytes).build());
    return this;
  }

  Trace add(TraceEvent e) {
    events.add(e);
    return this;
  }

  /**
   * Runs the trace through one emulator for the given scenarios and collects everything it emits.
   */
  Collected run(String spec) {
    return run(spec, EngineConfig.defaults());
  }

  Collected run(String spec, EngineConfig config) {
    Collected out = new Collected();
    VmEmulator emu = new VmEmulator("vm-1", ScenarioSpec.parse(spec), config);
    for (TraceEvent e : events) {
      emu.onEvent(e, out);
    }
    emu.finish(out);
    return out;
  }
}
