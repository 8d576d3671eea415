package io.coiommu.schema;

/**
 * An {@link EventBatch} whose columns do not decode: the message names the VM, the batch, the field
 * and the event, so the record that carried it can be found in the dead-letter topic and the writer
 * fixed.
 */
public final class InvalidBatchException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  InvalidBatchException(EventBatch batch, String field, int event, String problem) {
    this(batch.getVm(), batch.getSeq(), field, event, problem);
  }

  /**
   * An error in a batch read from its bytes: {@code vm} and {@code seq} are null when the error
   * comes before they are read.
   */
  InvalidBatchException(String vm, Long seq, String field, int event, String problem) {
    super(
        "EventBatch "
            + (vm == null
                ? "(VM not read yet)"
                : "of VM " + vm + (seq == null ? "" : " seq " + seq))
            + ", field "
            + field
            + (event < 0 ? "" : ", event " + event)
            + ": "
            + problem);
  }
}
