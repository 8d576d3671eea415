package io.coiommu.producer.synthetic;

import io.coiommu.schema.DmaDirection;

/**
 * A network card driven the way Linux drivers without DMA-mapped page pools drive it: every RX ring
 * slot holds a page mapped FROM_DEVICE; a received packet unmaps its page and hands it to the
 * stack, and the slot is refilled with a page from the page pool, where pages come back once the
 * stack is done with them, so the same pages are mapped again and again. A small share of pages
 * leaves the pool (held by a socket, freed to the allocator) and is replaced by fresh ones. Each
 * sent packet maps its data TO_DEVICE and unmaps it on TX completion. Traffic comes in bursts:
 * short stretches at several times the base rate.
 */
public final class NicTraffic implements Activity {

  private static final double RX_SHARE = 0.6;
  private static final double POOL_LEAVE = 0.02;
  private static final int TX_PAGES = 128;
  private static final int DESCRIPTOR_BYTES = 16;
  private static final double STACK_MEAN_NS = 150_000;
  private static final double TX_COMPLETION_MEAN_NS = 40_000;
  private static final double CALM_MEAN_NS = 2e9;
  private static final double BURST_MEAN_NS = 150e6;

  private static final int PACKET = 0;

  /** The stack is done with page {@code arg}. */
  private static final int BACK_FROM_STACK = 1;

  /** The frame of mapping {@code arg} is sent: the mapping goes. */
  private static final int SENT = 2;

  private static final int TOGGLE_BURST = 3;

  private final String bdf;
  private final double packetsPerSecond;
  private final double burstFactor;
  private final int ringSlots;

  private DmaDevice device;
  private long[] rxMapping;
  private long[] rxGfn;
  private int rxHead;
  private PagePool pool;
  private long[] txGfn;
  private boolean bursting;

  /**
   * @param packetsPerSecond mean packets (received plus sent) per second outside bursts
   * @param burstFactor how many times the base rate a burst runs at
   * @param ringSlots RX ring size
   */
  public NicTraffic(String bdf, double packetsPerSecond, double burstFactor, int ringSlots) {
    this.bdf = bdf;
    this.packetsPerSecond = packetsPerSecond;
    this.burstFactor = burstFactor;
    this.ringSlots = ringSlots;
  }

  @Override
  public void start(VmSimulation vm) {
    device = new DmaDevice(bdf);
    GuestPages pages = vm.pages();
    long ringBytes = pageAligned((long) ringSlots * DESCRIPTOR_BYTES);
    long rxRing =
        device.alloc(
            vm, pages.allocRun(ringBytes / GuestPages.PAGE) << GuestPages.PAGE_SHIFT, ringBytes);
    long txRing =
        device.alloc(
            vm, pages.allocRun(ringBytes / GuestPages.PAGE) << GuestPages.PAGE_SHIFT, ringBytes);
    // The device reads both descriptor rings as soon as the driver enables it; they stay mapped, so
    // one access each
    // stands for the rest.
    device.access(vm, rxRing);
    device.access(vm, txRing);
    rxMapping = new long[ringSlots];
    rxGfn = new long[ringSlots];
    pool = new PagePool();
    for (int slot = 0; slot < ringSlots; slot++) {
      refill(vm, slot);
    }
    txGfn = new long[TX_PAGES];
    for (int i = 0; i < TX_PAGES; i++) {
      txGfn[i] = pages.allocPage();
    }
    if (packetsPerSecond > 0) {
      vm.at(vm.now() + vm.exponentialNs(1e9 / packetsPerSecond), this, PACKET, 0);
      vm.at(vm.now() + vm.exponentialNs(CALM_MEAN_NS), this, TOGGLE_BURST, 0);
    }
  }

  @Override
  public void act(VmSimulation vm, int action, long arg) {
    switch (action) {
      case PACKET -> packet(vm);
      case BACK_FROM_STACK -> backFromStack(vm, arg);
      case SENT -> device.unmap(vm, arg);
      case TOGGLE_BURST -> toggleBurst(vm);
      default -> throw new IllegalArgumentException("NIC action " + action);
    }
  }

  private void packet(VmSimulation vm) {
    if (vm.random().nextDouble() < RX_SHARE) {
      receive(vm);
    } else {
      send(vm);
    }
    double rate = bursting ? packetsPerSecond * burstFactor : packetsPerSecond;
    vm.at(vm.now() + vm.exponentialNs(1e9 / rate), this, PACKET, 0);
  }

  private void receive(VmSimulation vm) {
    int slot = rxHead;
    rxHead = (rxHead + 1) % ringSlots;
    // The device wrote the packet into the slot's page before the driver takes it off the ring.
    device.access(vm, rxMapping[slot]);
    device.unmap(vm, rxMapping[slot]);
    long page = rxGfn[slot];
    vm.at(vm.now() + vm.exponentialNs(STACK_MEAN_NS), this, BACK_FROM_STACK, page);
    refill(vm, slot);
  }

  private void backFromStack(VmSimulation vm, long page) {
    if (vm.random().nextDouble() < POOL_LEAVE) {
      vm.pages().freePage(page);
    } else {
      pool.add(page);
    }
  }

  private void refill(VmSimulation vm, int slot) {
    long page = pool.isEmpty() ? vm.pages().allocPage() : pool.take();
    rxGfn[slot] = page;
    rxMapping[slot] =
        device.map(
            vm,
            page << GuestPages.PAGE_SHIFT,
            GuestPages.PAGE,
            DmaDirection.FROM_DEVICE,
            vm.newCallId());
  }

  private void send(VmSimulation vm) {
    // Acks are small; data packets fill an Ethernet frame.
    int length = vm.random().nextDouble() < 0.4 ? 66 : 1514;
    long offset = vm.random().nextInt(GuestPages.PAGE - length + 1) & ~63L;
    long gpa = (txGfn[vm.random().nextInt(TX_PAGES)] << GuestPages.PAGE_SHIFT) + offset;
    long mapping = device.map(vm, gpa, length, DmaDirection.TO_DEVICE, vm.newCallId());
    // The device reads the frame once the driver rings the doorbell.
    device.access(vm, mapping);
    vm.at(vm.now() + vm.exponentialNs(TX_COMPLETION_MEAN_NS), this, SENT, mapping);
  }

  private void toggleBurst(VmSimulation vm) {
    bursting = !bursting;
    vm.at(
        vm.now() + vm.exponentialNs(bursting ? BURST_MEAN_NS : CALM_MEAN_NS),
        this,
        TOGGLE_BURST,
        0);
  }

  @Override
  public void stop(VmSimulation vm) {
    device.unmapAll(vm);
  }

  static long pageAligned(long bytes) {
    return (bytes + GuestPages.PAGE - 1) & -GuestPages.PAGE;
  }
}
