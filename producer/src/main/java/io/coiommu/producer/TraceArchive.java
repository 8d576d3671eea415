package io.coiommu.producer;

import io.coiommu.schema.EventBatch;
import io.coiommu.schema.KnownSchemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * The archive format: an Avro object container file of {@link EventBatch} records, the same records
 * the trace topic carries, so any Avro tool can read it and replaying it sends exactly what
 * recording read. zstd-compressed. {@link TraceFiles} reads it back (format {@code avro}).
 */
public final class TraceArchive {

  /** Container metadata key holding the description of what was recorded. */
  public static final String SOURCE_METADATA = "coiommu.source";

  static {
    KnownSchemas.allowGeneratedPackage();
  }

  private TraceArchive() {}

  /**
   * Writes every event of {@code source} to {@code file}, batched per VM as the producer batches
   * them. The file appears only once complete (written beside it, then moved), so an interrupted
   * recording never leaves a truncated archive behind.
   */
  public static ProduceStats write(TraceSource source, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Path partial = Files.createTempFile(parent, file.getFileName().toString(), ".partial");
    long start = System.nanoTime();
    long events = 0;
    long firstTs = Long.MIN_VALUE;
    long lastTs = Long.MIN_VALUE;
    VmBatcher batcher;
    try (DataFileWriter<EventBatch> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(EventBatch.class))) {
      writer.setCodec(CodecFactory.zstandardCodec(3));
      writer.setMeta(SOURCE_METADATA, source.describe());
      writer.create(EventBatch.getClassSchema(), partial.toFile());
      batcher =
          new VmBatcher(
              TraceProducer.MAX_BATCH_EVENTS,
              TraceProducer.MAX_PENDING_EVENTS,
              VmBatcher.built(
                  batch -> {
                    try {
                      writer.append(batch);
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  }));
      while (source.hasNext()) {
        VmEvent e = source.next();
        long ts = e.event().getTsNs();
        if (firstTs == Long.MIN_VALUE) {
          firstTs = ts;
        }
        lastTs = Math.max(lastTs, ts);
        batcher.add(e);
        events++;
      }
      batcher.flushAll();
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return new ProduceStats(
        events,
        batcher.batches(),
        batcher.vms(),
        events == 0 ? 0 : lastTs - firstTs,
        System.nanoTime() - start,
        source.rejects());
  }
}
