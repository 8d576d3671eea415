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
    if (vm.isBlank()) {
      throw new IllegalArgumentException("VM name must not be blank");
    }
    if (guestMemoryBytes <= 0) {
      throw new IllegalArgumentException("guest memory must be positive, got " + guestMemoryBytes);
    }
  }
}
