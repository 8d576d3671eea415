package io.coiommu.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.coiommu.schema.EventBatch;
import io.coiommu.schema.KnownSchemas;
import io.coiommu.schema.TraceEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceArchiveTest {

  @TempDir Path dir;

  @Test
  void anArchiveReplaysExactlyWhatWasRecorded() throws IOException {
    String spec = "fleet:hosts=2,vms=4,duration=2s,seed=3";
    Path archive = dir.resolve("fleet.avro");
    ProduceStats written;
    try (TraceSource s = Workloads.open(spec)) {
      written = TraceArchive.write(s, archive);
    }
    assertThat(TraceFiles.detect(archive)).isEqualTo(TraceFormat.AVRO);
    Map<String, List<VmEvent>> original = perVm(Workloads.open(spec));
    Map<String, List<VmEvent>> replayed;
    RejectStats rejects;
    try (TraceSource s = TraceFiles.open(archive, null, null, RejectPolicy.STRICT)) {
      assertThat(s.describe()).contains("fleet: 4 VMs");
      replayed = perVm(s);
      rejects = s.rejects();
    }
    assertThat(replayed).isEqualTo(original);
    assertThat(written.events()).isEqualTo(original.values().stream().mapToLong(List::size).sum());
    assertThat(rejects.rejected()).isZero();
    assertThat(rejects.linesRead()).isEqualTo(written.batches());
    assertThat(dir.toFile().list()).containsExactly("fleet.avro");
  }

  @Test
  void anArchiveOfVersionOneBatchesIsStillRead() throws IOException {
    List<VmEvent> original = new ArrayList<>();
    try (TraceSource s = Workloads.open("nic:duration=1s")) {
      s.forEachRemaining(original::add);
    }
    Path archive = dir.resolve("v1.avro");
    // Version 1 and 2 share the positions of vm, seq and events, so a v1 writer can take today's
    // record.
    try (DataFileWriter<EventBatch> w =
        new DataFileWriter<>(new SpecificDatumWriter<>(KnownSchemas.EVENT_BATCH_V1))) {
      w.create(KnownSchemas.EVENT_BATCH_V1, archive.toFile());
      for (int i = 0, seq = 0; i < original.size(); i += 1000, seq++) {
        List<TraceEvent> events =
            original.subList(i, Math.min(original.size(), i + 1000)).stream()
                .map(VmEvent::event)
                .toList();
        w.append(
            EventBatch.newBuilder()
                .setVm(original.get(0).vm())
                .setSeq(seq)
                .setEvents(events)
                .build());
      }
    }
    List<VmEvent> replayed = new ArrayList<>();
    try (TraceSource s = TraceFiles.open(archive, "avro", null, RejectPolicy.STRICT)) {
      s.forEachRemaining(replayed::add);
    }
    assertThat(replayed).isEqualTo(original);
  }

  @Test
  void aDamagedArchiveIsReportedNotCrashed() throws IOException {
    Path archive = dir.resolve("nic.avro");
    try (TraceSource s = Workloads.open("nic:duration=1s")) {
      TraceArchive.write(s, archive);
    }
    byte[] bytes = Files.readAllBytes(archive);
    for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
      bytes[i] = (byte) 0xA5;
    }
    Files.write(archive, bytes);
    Path rejects = dir.resolve("nic.rejects");
    long events = 0;
    try (TraceSource s = TraceFiles.open(archive, "avro", null, RejectPolicy.keepIn(rejects))) {
      while (s.hasNext()) {
        s.next();
        events++;
      }
      assertThat(s.rejects().rejected()).isPositive();
    }
    assertThat(events).isPositive();
    assertThat(Files.readString(rejects)).contains("BINARY");
  }

  private static Map<String, List<VmEvent>> perVm(TraceSource s) {
    Map<String, List<VmEvent>> m = new HashMap<>();
    s.forEachRemaining(e -> m.computeIfAbsent(e.vm(), k -> new ArrayList<>()).add(e));
    return m;
  }
}
