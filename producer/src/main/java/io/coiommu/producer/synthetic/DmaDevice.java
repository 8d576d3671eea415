package io.coiommu.producer.synthetic;

import io.coiommu.schema.DmaDirection;
import io.coiommu.schema.EventType;

/**
 * A directly assigned PCI device as its guest driver sees it: it maps and unmaps buffers through
 * the DMA API and remembers what is mapped, so every unmap names an iova that is really mapped and
 * the VM's teardown can unmap the rest.
 */
public final class DmaDevice {

  private final String bdf;

  /** The id the VM's events give the device, once it has emitted one. */
  private int id = -1;

  private final IovaSpace iovas = new IovaSpace();

  /** Live mappings by iova, in mapping order so teardown is deterministic. */
  private final LiveMappings live = new LiveMappings();

  public DmaDevice(String bdf) {
    this.bdf = bdf;
  }

  public String bdf() {
    return bdf;
  }

  /**
   * Maps {@code bytes} at {@code gpa} (dma_map_page / one range of dma_map_sg); returns the
   * mapping's handle, which {@link #access} and {@link #unmap} take.
   */
  public long map(VmSimulation vm, long gpa, long bytes, DmaDirection dir, long callId) {
    long iova = iovas.allocate(offsetInPage(gpa) + bytes) + offsetInPage(gpa);
    long mapping = live.add(iova, gpa, bytes, false, callId);
    vm.emitDma(EventType.DMA_MAP, id(vm), iova, gpa, bytes, dir, callId);
    return mapping;
  }

  /**
   * Allocates a coherent buffer (dma_alloc_coherent): a long-lived mapping, e.g. a descriptor ring.
   * Returns the mapping's handle.
   */
  public long alloc(VmSimulation vm, long gpa, long bytes) {
    long iova = iovas.allocate(bytes);
    long mapping = live.add(iova, gpa, bytes, true, 0);
    vm.emitDma(
        EventType.DMA_ALLOC, id(vm), iova, gpa, bytes, DmaDirection.BIDIRECTIONAL, vm.newCallId());
    return mapping;
  }

  /**
   * The device reads or writes the whole buffer of {@code mapping} (DMA_ACCESS), which must be
   * mapped. Emitted after every range of its map call, never between two of them, so the call stays
   * one call.
   */
  public void access(VmSimulation vm, long mapping) {
    int m = mapped(mapping, "access to");
    vm.emitDma(
        EventType.DMA_ACCESS, id(vm), 0, live.gpa(m), live.bytes(m), DmaDirection.BIDIRECTIONAL, 0);
  }

  /** Unmaps (or frees, for a coherent buffer) {@code mapping}. */
  public void unmap(VmSimulation vm, long mapping) {
    int m = mapped(mapping, "unmap of");
    release(vm, m);
    live.remove(m);
  }

  /** Unmaps everything still mapped, as a driver does when its device goes away. */
  public void unmapAll(VmSimulation vm) {
    for (int m = live.first(); m >= 0; m = live.after(m)) {
      release(vm, m);
    }
    live.clear();
  }

  private void release(VmSimulation vm, int m) {
    long iova = live.iova(m);
    long bytes = live.bytes(m);
    if (live.coherent(m)) {
      vm.emitDma(
          EventType.DMA_FREE, id(vm), iova, live.gpa(m), bytes, DmaDirection.BIDIRECTIONAL, 0);
    } else {
      vm.emitDma(
          EventType.DMA_UNMAP,
          id(vm),
          iova,
          live.gpa(m),
          bytes,
          DmaDirection.BIDIRECTIONAL,
          live.callId(m));
    }
    iovas.release(iova - offsetInPage(iova), offsetInPage(iova) + bytes);
  }

  private int mapped(long mapping, String what) {
    int m = live.entry(mapping);
    if (m < 0) {
      throw new IllegalStateException(
          bdf + ": " + what + " mapping " + Long.toHexString(mapping) + ", which is not mapped");
    }
    return m;
  }

  private int id(VmSimulation vm) {
    if (id < 0) {
      id = vm.deviceId(bdf);
    }
    return id;
  }

  private static long offsetInPage(long address) {
    return address & (GuestPages.PAGE - 1);
  }
}
