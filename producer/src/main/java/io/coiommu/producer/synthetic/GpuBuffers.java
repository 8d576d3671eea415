package io.coiommu.producer.synthetic;

import io.coiommu.schema.DmaDirection;
import java.util.ArrayList;
import java.util.List;

/**
 * A GPU or accelerator: large buffers (model weights, frame buffers) mapped at start in 2 MiB
 * chunks and kept for the VM's life, plus occasional transient staging uploads mapped TO_DEVICE for
 * a few milliseconds.
 */
public final class GpuBuffers implements Activity {

  private static final long CHUNK = 2L << 20;
  private static final long STAGING_CHUNK = 64L << 10;
  private static final long STAGING_MAX = 32L << 20;
  private static final double UPLOAD_EVERY_MEAN_NS = 250e6;
  private static final double UPLOAD_HOLD_MEAN_NS = 20e6;

  private static final int UPLOAD = 0;

  /** Upload number {@code arg} is done. */
  private static final int UPLOADED = 1;

  private final String bdf;
  private final int buffers;
  private final long bufferBytes;

  private DmaDevice device;
  private long stagingGfn;

  /** The mappings of each upload in flight, by id; an id is reused once its upload is done. */
  private final List<long[]> uploads = new ArrayList<>();

  public GpuBuffers(String bdf, int buffers, long bufferBytes) {
    this.bdf = bdf;
    this.buffers = buffers;
    this.bufferBytes = bufferBytes;
  }

  @Override
  public void start(VmSimulation vm) {
    device = new DmaDevice(bdf);
    long chunkPages = CHUNK / GuestPages.PAGE;
    for (int b = 0; b < buffers; b++) {
      long chunks = Math.max(1, (bufferBytes + CHUNK - 1) / CHUNK);
      long callId = vm.newCallId();
      long[] mappings = new long[(int) chunks];
      for (int c = 0; c < chunks; c++) {
        long gfn = vm.pages().allocRun(chunkPages, chunkPages);
        mappings[c] =
            device.map(vm, gfn << GuestPages.PAGE_SHIFT, CHUNK, DmaDirection.BIDIRECTIONAL, callId);
      }
      // The device loads the buffer once it is mapped (weights, a frame buffer); it stays mapped
      // for the VM's life.
      for (long mapping : mappings) {
        device.access(vm, mapping);
      }
    }
    stagingGfn = vm.pages().allocRun(STAGING_MAX / GuestPages.PAGE);
    vm.at(vm.now() + vm.exponentialNs(UPLOAD_EVERY_MEAN_NS), this, UPLOAD, 0);
  }

  @Override
  public void act(VmSimulation vm, int action, long arg) {
    switch (action) {
      case UPLOAD -> upload(vm);
      case UPLOADED -> uploaded(vm, (int) arg);
      default -> throw new IllegalArgumentException("GPU action " + action);
    }
  }

  private void upload(VmSimulation vm) {
    long bytes = (4L << 20) << vm.random().nextInt(4);
    long callId = vm.newCallId();
    int chunks = (int) (bytes / STAGING_CHUNK);
    long[] mappings = new long[chunks];
    for (int c = 0; c < chunks; c++) {
      long gpa = (stagingGfn << GuestPages.PAGE_SHIFT) + c * STAGING_CHUNK;
      mappings[c] = device.map(vm, gpa, STAGING_CHUNK, DmaDirection.TO_DEVICE, callId);
    }
    // The device copies the upload out of the staging buffer.
    for (long mapping : mappings) {
      device.access(vm, mapping);
    }
    int id = uploads.indexOf(null);
    if (id < 0) {
      id = uploads.size();
      uploads.add(mappings);
    } else {
      uploads.set(id, mappings);
    }
    vm.at(vm.now() + vm.exponentialNs(UPLOAD_HOLD_MEAN_NS), this, UPLOADED, id);
    vm.at(vm.now() + vm.exponentialNs(UPLOAD_EVERY_MEAN_NS), this, UPLOAD, 0);
  }

  /** The device has copied upload {@code id} out: its staging chunks are unmapped. */
  private void uploaded(VmSimulation vm, int id) {
    for (long mapping : uploads.get(id)) {
      device.unmap(vm, mapping);
    }
    uploads.set(id, null);
  }

  @Override
  public void stop(VmSimulation vm) {
    device.unmapAll(vm);
  }
}
