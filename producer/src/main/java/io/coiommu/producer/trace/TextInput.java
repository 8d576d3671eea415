package io.coiommu.producer.trace;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Opens a text trace, gunzipping it when it starts with the gzip magic bytes: large traces are
 * usually kept compressed, and the Azure dataset ships vmtable.csv.gz.
 */
final class TextInput {

  private static final int BUFFER = 1 << 16;

  private TextInput() {}

  static InputStream open(Path file) throws IOException {
    BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      return new BufferedInputStream(new GZIPInputStream(in, BUFFER), BUFFER);
    }
    return in;
  }
}
