package io.coiommu.processor.engine;

import static io.coiommu.processor.engine.Trace.MS;

import io.coiommu.schema.EventType;
import io.coiommu.schema.TraceEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a list of integers (which jqwik generates and shrinks) into a valid-looking trace of one
 * VM over a small page space, so maps overlap, pages are shared, scans and flushes fire, and the
 * balloon hits mapped pages. Some operations are deliberately wrong (double maps, unmaps of unknown
 * iovas) so anomalies are exercised too.
 */
final class RandomTrace {

  static final long GUEST_BYTES = 64L << 20;
  private static final long PAGE = 4096;

  private RandomTrace() {}

  static List<TraceEvent> decode(List<Integer> ops) {
    List<TraceEvent> out = new ArrayList<>();
    List<long[]> live = new ArrayList<>(); // {iova, gpa, bytes}
    long ts = 0;
    long nextIova = 1L << 32;
    long callId = 0;
    out.add(
        Trace.event(EventType.VM_START, ts).setGuestMemoryBytes(GUEST_BYTES).setHost("h").build());
    for (int op : ops) {
      int kind = Math.floorMod(op, 12);
      int arg = Math.floorDiv(op, 12) & 0x7fffffff;
      ts += (arg % 5) * MS;
      switch (kind) {
        case 0:
        case 1:
        case 2:
        case 3:
          {
            long gpa = (arg % 96) * PAGE + ((arg / 96) % 2 == 0 ? 0 : 512);
            long bytes = 1 + (arg / 192) % (3 * PAGE);
            boolean sameCall = (arg / 7) % 3 == 0;
            long iova = (arg / 11) % 17 == 0 && !live.isEmpty() ? live.get(0)[0] : nextIova;
            nextIova += 4 * PAGE;
            out.add(
                Trace.event(EventType.DMA_MAP, ts)
                    .setDevice(Trace.NIC)
                    .setIova(iova)
                    .setGpa(gpa)
                    .setBytes(bytes)
                    .setCallId(sameCall ? callId : ++callId)
                    .build());
            if (iova
                != live.stream()
                    .mapToLong(l -> l[0])
                    .filter(i -> i == iova)
                    .findFirst()
                    .orElse(-1)) {
              live.add(new long[] {iova, gpa, bytes});
            }
            break;
          }
        case 4:
        case 5:
        case 6:
          {
            boolean sameCall = (arg / 7) % 3 == 0;
            if (live.isEmpty() || (arg / 13) % 23 == 0) {
              out.add(Trace.event(EventType.DMA_UNMAP, ts).setDevice(Trace.NIC).setIova(3).build());
            } else {
              long[] m = live.remove(arg % live.size());
              out.add(
                  Trace.event(EventType.DMA_UNMAP, ts)
                      .setDevice(Trace.NIC)
                      .setIova(m[0])
                      .setCallId(sameCall ? callId : ++callId)
                      .build());
            }
            break;
          }
        case 7:
        case 8:
          ts += (arg % 25_000) * MS;
          break;
        case 9:
          out.add(
              Trace.event(EventType.BALLOON_INFLATE, ts)
                  .setGpa((arg % 96) * PAGE)
                  .setBytes((1 + arg % 8) * PAGE)
                  .build());
          break;
        case 10:
          if (!live.isEmpty()) {
            long[] m = live.get(arg % live.size());
            out.add(
                Trace.event(EventType.DMA_ACCESS, ts)
                    .setDevice(Trace.NIC)
                    .setGpa(m[1])
                    .setBytes(m[2])
                    .build());
          }
          break;
        default:
          out.add(
              Trace.event(EventType.BALLOON_DEFLATE, ts)
                  .setGpa((arg % 96) * PAGE)
                  .setBytes(PAGE)
                  .build());
          break;
      }
    }
    if (ops.size() % 2 == 0) {
      out.add(Trace.event(EventType.VM_STOP, ts + 1).build());
    }
    return out;
  }
}
