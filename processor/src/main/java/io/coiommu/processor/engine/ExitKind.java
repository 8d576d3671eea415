package io.coiommu.processor.engine;

/** How a guest-to-host request leaves the guest: the cost of an exit depends on who handles it. */
public enum ExitKind {
  /**
   * A write to a register that KVM signals through an ioeventfd, handled by a host thread
   * (coIOMMU's notify).
   */
  IOEVENTFD,
  /**
   * An MMIO access emulated in user space (QEMU's intel-iommu invalidation queue under caching
   * mode).
   */
  USERSPACE_MMIO,
  /** A virtqueue kick that the device model processes (virtio-iommu requests). */
  VIRTQUEUE_KICK,
  /** The policy never exits. */
  NONE
}
