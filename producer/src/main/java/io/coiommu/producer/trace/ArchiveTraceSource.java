package io.coiommu.producer.trace;

import io.coiommu.producer.RejectReason;
import io.coiommu.producer.TraceArchive;
import io.coiommu.producer.TraceSource;
import io.coiommu.producer.VmEvent;
import io.coiommu.producer.VmIdentity;
import io.coiommu.schema.EventBatch;
import io.coiommu.schema.EventColumns;
import io.coiommu.schema.InvalidBatchException;
import io.coiommu.schema.KnownSchemas;
import io.coiommu.schema.TraceEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Replays an archive written by {@link TraceArchive#write}: EventBatch records in an Avro object
 * container file, read one batch at a time. Each record counts as a "line" for rejects; an event
 * that breaks the per-VM order is rejected with its record number. A corrupt block ends the read
 * with one reject: Avro cannot resynchronise reliably inside a damaged file.
 */
final class ArchiveTraceSource extends RecordedTraceSource {

  static {
    KnownSchemas.allowGeneratedPackage();
  }

  private final DataFileReader<EventBatch> reader;
  private final VmOrder order;
  private final List<VmEvent> one = new ArrayList<>(1);
  private final List<VmEvent> checked = new ArrayList<>(2);
  private long record;

  private ArchiveTraceSource(
      String description, DataFileReader<EventBatch> reader, VmOrder order, Rejects rejects) {
    super(description, rejects);
    this.reader = reader;
    this.order = order;
  }

  static TraceSource open(Path file, VmIdentity identity, Rejects rejects) throws IOException {
    DataFileReader<EventBatch> reader;
    try {
      reader = new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(EventBatch.class));
    } catch (IOException | AvroRuntimeException e) {
      throw new IOException(file + " is not a readable Avro archive: " + e.getMessage(), e);
    }
    String recorded = reader.getMetaString(TraceArchive.SOURCE_METADATA);
    return new ArchiveTraceSource(
        "archive " + file.getFileName() + (recorded == null ? "" : " of " + recorded),
        reader,
        new VmOrder(identity),
        rejects);
  }

  @Override
  protected boolean readMore() {
    EventBatch batch;
    try {
      if (!reader.hasNext()) {
        return false;
      }
      batch = reader.next();
    } catch (RuntimeException e) {
      // Avro reports damaged blocks with assorted runtime exceptions, not only
      // AvroRuntimeException.
      record++;
      rejects.countLine();
      rejects.reject(
          record,
          RejectReason.BINARY,
          "corrupt archive block, the rest of the file is unreadable: " + e.getMessage(),
          "");
      return false;
    }
    record++;
    rejects.countLine();
    List<TraceEvent> events;
    try {
      // Archives of either EventBatch version: the file names its writer schema, which Avro
      // resolves to today's.
      events = EventColumns.of(batch).events();
    } catch (InvalidBatchException e) {
      rejects.reject(record, RejectReason.BINARY, e.getMessage(), "");
      return true;
    }
    for (TraceEvent event : events) {
      one.clear();
      checked.clear();
      one.add(new VmEvent(batch.getVm(), event));
      try {
        order.accept(one, checked);
        ready.addAll(checked);
      } catch (BadLine bad) {
        rejects.reject(
            record,
            bad.reason(),
            bad.getMessage() + " (batch " + batch.getSeq() + " of " + batch.getVm() + ")",
            event.toString());
      }
    }
    return true;
  }

  @Override
  protected void closeInput() throws IOException {
    reader.close();
  }
}
