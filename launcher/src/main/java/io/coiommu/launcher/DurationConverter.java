package io.coiommu.launcher;

import io.coiommu.processor.engine.TraceDuration;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Reads durations the way scenario specs write them: 10ms, 1s, 5m, 1h. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return Duration.ofNanos(TraceDuration.parseNanos(value));
  }
}
