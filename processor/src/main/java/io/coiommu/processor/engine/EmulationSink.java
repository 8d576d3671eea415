package io.coiommu.processor.engine;

import io.coiommu.schema.Anomaly;
import io.coiommu.schema.WindowResult;

/** Receives what a {@link VmEmulator} produces, in a deterministic order. */
public interface EmulationSink {

  void window(WindowResult r);

  void anomaly(Anomaly a);
}
