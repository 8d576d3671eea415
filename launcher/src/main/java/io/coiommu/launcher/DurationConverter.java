package io.coiommu.launcher;

import io.coiommu.schema.Quantities;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Reads durations the way scenario specs write them: 250ms, 1s, 10m, 1h. */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return Duration.ofNanos(Quantities.nanos(value));
  }
}
