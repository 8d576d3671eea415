package io.coiommu.producer.trace;

import io.coiommu.producer.RejectReason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a text trace line by line without trusting it: a line longer than {@link #MAX_LINE_BYTES}
 * is cut (its rest skipped, not buffered, so a 10 MB line costs no 10 MB), and a line holding NUL
 * or other control bytes, or bytes that are not UTF-8, is flagged as binary. Line numbers start at
 * 1.
 */
final class LineReader implements AutoCloseable {

  /** Far above the longest real line (a dma_map_sg line of 128 ranges is about 8 KiB). */
  static final int MAX_LINE_BYTES = 1 << 20;

  /**
   * One line: its text (or its start, for a line too long), and what is wrong with it, if anything.
   */
  record Line(long number, String text, RejectReason problem, long length) {}

  private final InputStream in;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  private byte[] line = new byte[256];
  private long number;
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  LineReader(InputStream in) {
    this.in = in;
  }

  /** The next line, or null at the end of the input. */
  Line next() throws IOException {
    int kept = 0;
    long length = 0;
    boolean sawAny = false;
    while (true) {
      if (pos == limit) {
        limit = in.read(buf, 0, buf.length);
        pos = 0;
        if (limit <= 0) {
          limit = 0;
          if (!sawAny) {
            return null;
          }
          break;
        }
      }
      sawAny = true;
      int start = pos;
      while (pos < limit && buf[pos] != '\n') {
        pos++;
      }
      int n = pos - start;
      int room = MAX_LINE_BYTES - kept;
      int copy = Math.min(n, room);
      if (copy > 0) {
        if (kept + copy > line.length) {
          line =
              Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, Math.max(kept + copy, line.length * 2)));
        }
        System.arraycopy(buf, start, line, kept, copy);
        kept += copy;
      }
      length += n;
      if (pos < limit) {
        pos++; // the newline
        break;
      }
    }
    number++;
    int end = kept;
    if (end > 0 && line[end - 1] == '\r' && length == kept) {
      end--;
    }
    if (length > MAX_LINE_BYTES) {
      return new Line(number, latin1(0, Math.min(end, 200)), RejectReason.LINE_TOO_LONG, length);
    }
    boolean ascii = true;
    for (int i = 0; i < end; i++) {
      int b = line[i];
      if (b >= 0 && b < 0x20 && b != '\t') {
        return new Line(number, latin1(0, Math.min(end, 200)), RejectReason.BINARY, length);
      }
      if (b < 0 || b == 0x7f) {
        ascii = false;
      }
    }
    if (ascii) {
      return new Line(number, latin1(0, end), null, length);
    }
    try {
      CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(line, 0, end));
      return new Line(number, chars.toString(), null, length);
    } catch (CharacterCodingException e) {
      return new Line(number, latin1(0, Math.min(end, 200)), RejectReason.BINARY, length);
    }
  }

  private String latin1(int from, int to) {
    return new String(line, from, to - from, StandardCharsets.ISO_8859_1);
  }

  long linesRead() {
    return number;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
