package io.coiommu.schema;

/**
 * An {@link EventBatch} whose columns do not decode: the message names the VM, the batch, the field
 * and the event, so the record that carried it can be found in the dead-letter topic and the writer
 * fixed.
 */
public final class InvalidBatchException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  InvalidBatchException(EventBatch batch, String field, int event, String problem) {
    super(
        "EventBatch of VM "
            + batch.getVm()
            + " seq "
            + batch.getSeq()
            + ", field "
            + field
            + (event < 0 ? "" : ", event " + event)
            + ": "
            + problem);
  }
}
