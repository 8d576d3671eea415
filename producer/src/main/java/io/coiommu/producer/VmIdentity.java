package io.coiommu.producer;

import java.util.Objects;

/**
 * The identity of the VM a recorded trace came from. A trace recorded inside one guest names no VM:
 * the user supplies it, and the reader puts a VM_START with these fields before the first event.
 */
public record VmIdentity(String vm, String host, long guestMemoryBytes) {

  public VmIdentity {
    Objects.requireNonNull(vm, "vm");
    Objects.requireNonNull(host, "host");
    if (vm.isBlank() || vm.length() > 64 || host.length() > 64) {
      throw new IllegalArgumentException("VM and host names must be 1 to 64 characters");
    }
    if (guestMemoryBytes <= 0) {
      throw new IllegalArgumentException("guest memory must be positive, got " + guestMemoryBytes);
    }
  }
}
