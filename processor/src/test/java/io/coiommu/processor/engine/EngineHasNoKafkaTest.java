package io.coiommu.processor.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine is plain Java so that tests and benchmarks drive it directly; only the topology may
 * know Kafka.
 */
class EngineHasNoKafkaTest {

  @Test
  void noEngineSourceMentionsKafka() throws IOException {
    Path dir = Path.of("src/main/java/io/coiommu/processor/engine");
    assertThat(dir).isDirectory();
    List<Path> offenders;
    List<Path> sources;
    try (Stream<Path> files = Files.walk(dir)) {
      sources = files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
    }
    offenders =
        sources.stream()
            .filter(p -> read(p).contains("org.apache.kafka"))
            .collect(Collectors.toList());
    assertThat(sources).hasSizeGreaterThan(10);
    assertThat(offenders).isEmpty();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new IllegalStateException(p.toString(), e);
    }
  }
}
