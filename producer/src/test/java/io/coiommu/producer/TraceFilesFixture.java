package io.coiommu.producer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a trace into a temporary directory, reads it back through {@link TraceFiles}, keeps what
 * came out.
 */
final class TraceFilesFixture {

  static final VmIdentity GUEST = new VmIdentity("guest-1", "host-x", 8L << 30);

  final Path dir;
  List<VmEvent> events = new ArrayList<>();
  RejectStats stats;
  Path rejectsFile;

  TraceFilesFixture(Path dir) {
    this.dir = dir;
  }

  Path write(String name, String... lines) {
    try {
      Path file = dir.resolve(name);
      Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  TraceFilesFixture read(Path file, String format, VmIdentity identity) throws IOException {
    rejectsFile = dir.resolve(file.getFileName() + ".rejects");
    events = new ArrayList<>();
    try (TraceSource s =
        TraceFiles.open(file, format, identity, RejectPolicy.keepIn(rejectsFile))) {
      s.forEachRemaining(events::add);
      stats = s.rejects();
    }
    return this;
  }

  /** The events after the VM_START the reader supplied. */
  List<io.coiommu.schema.TraceEvent> dmaEvents() {
    return events.stream()
        .map(VmEvent::event)
        .filter(e -> e.getType() != io.coiommu.schema.EventType.VM_START)
        .toList();
  }

  List<String> rejectLines() throws IOException {
    if (!Files.exists(rejectsFile)) {
      return List.of();
    }
    return Files.readAllLines(rejectsFile).stream().filter(l -> !l.startsWith("#")).toList();
  }
}
