package io.coiommu.producer;

import io.coiommu.schema.TraceEvent;

/**
 * One event of a trace source together with the VM it belongs to (the event itself carries no VM
 * id).
 */
public record VmEvent(String vm, TraceEvent event) {}
