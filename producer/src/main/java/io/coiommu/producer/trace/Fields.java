package io.coiommu.producer.trace;

import io.coiommu.producer.RejectReason;
import io.coiommu.schema.DmaDirection;
import java.util.HashMap;
import java.util.Map;

/**
 * Field decoding shared by the text formats, with the checks that turn nonsense into a named reject
 * instead of an event: addresses must fit in 63 bits, sizes must be positive and at most {@link
 * #MAX_BYTES}, and every number must be a number.
 */
final class Fields {

  /** No single DMA buffer or balloon request is larger than this (1 TiB). */
  static final long MAX_BYTES = 1L << 40;

  private Fields() {}

  /**
   * Names (VM, host, device) are at most this long: thousands of events share a Kafka record, which
   * must stay under the producer's 1 MiB request limit however long the names in a bad trace are.
   */
  static final int MAX_NAME_CHARS = 64;

  static String name(String text, String field) throws BadLine {
    if (text.length() > MAX_NAME_CHARS) {
      throw new BadLine(
          RejectReason.OUT_OF_RANGE,
          field + " '" + shorten(text) + "' is longer than " + MAX_NAME_CHARS + " characters");
    }
    return text;
  }

  /** {@code key=value} tokens of a space-separated body; other tokens are skipped. */
  static Map<String, String> keyValues(String body) {
    Map<String, String> map = new HashMap<>();
    int i = 0;
    int n = body.length();
    while (i < n) {
      while (i < n && body.charAt(i) == ' ') {
        i++;
      }
      int start = i;
      while (i < n && body.charAt(i) != ' ') {
        i++;
      }
      int eq = body.indexOf('=', start);
      if (eq > start && eq < i) {
        map.put(body.substring(start, eq), body.substring(eq + 1, i));
      }
    }
    return map;
  }

  static String required(Map<String, String> fields, String key) throws BadLine {
    String v = fields.get(key);
    if (v == null) {
      throw new BadLine(RejectReason.TRUNCATED, "missing field " + key + "=");
    }
    return v;
  }

  /** A hexadecimal address, with or without 0x, below 2^63. */
  static long address(String text, String field) throws BadLine {
    String digits = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
    if (digits.isEmpty()) {
      throw new BadLine(RejectReason.BAD_NUMBER, field + " is empty");
    }
    long value = 0;
    int significant = 0;
    for (int i = 0; i < digits.length(); i++) {
      int d = Character.digit(digits.charAt(i), 16);
      if (d < 0) {
        throw new BadLine(
            RejectReason.BAD_NUMBER, field + "=" + shorten(text) + " is not a hexadecimal number");
      }
      if (significant > 0 || d != 0) {
        significant++;
      }
      if (significant > 16) {
        throw new BadLine(
            RejectReason.OUT_OF_RANGE, field + "=" + shorten(text) + " does not fit in 64 bits");
      }
      value = (value << 4) | d;
    }
    if (value < 0) {
      throw new BadLine(RejectReason.OUT_OF_RANGE, field + "=" + shorten(text) + " is beyond 2^63");
    }
    return value;
  }

  /** A non-negative decimal number. */
  static long decimal(String text, String field) throws BadLine {
    if (text.isEmpty()) {
      throw new BadLine(RejectReason.BAD_NUMBER, field + " is empty");
    }
    long value = 0;
    for (int i = 0; i < text.length(); i++) {
      int d = text.charAt(i) - '0';
      if (d < 0 || d > 9) {
        throw new BadLine(
            i == 0 && text.charAt(0) == '-' ? RejectReason.OUT_OF_RANGE : RejectReason.BAD_NUMBER,
            field
                + "="
                + shorten(text)
                + (text.charAt(0) == '-' ? " is negative" : " is not a decimal number"));
      }
      if (value > (Long.MAX_VALUE - d) / 10) {
        throw new BadLine(
            RejectReason.OUT_OF_RANGE, field + "=" + shorten(text) + " does not fit in 63 bits");
      }
      value = value * 10 + d;
    }
    return value;
  }

  /** A decimal or (with 0x) hexadecimal number, as people write them in the project's formats. */
  static long number(String text, String field) throws BadLine {
    String t = text.trim();
    if (t.startsWith("0x") || t.startsWith("0X")) {
      return address(t, field);
    }
    return decimal(t, field);
  }

  /** A buffer size in bytes: positive and at most {@link #MAX_BYTES}. */
  static long size(long bytes, String field) throws BadLine {
    if (bytes <= 0 || bytes > MAX_BYTES) {
      throw new BadLine(
          RejectReason.OUT_OF_RANGE,
          field + "=" + bytes + " is not a buffer size (1 byte to 1 TiB)");
    }
    return bytes;
  }

  static DmaDirection direction(String text) throws BadLine {
    return switch (text) {
      case "BIDIRECTIONAL" -> DmaDirection.BIDIRECTIONAL;
      case "TO_DEVICE" -> DmaDirection.TO_DEVICE;
      case "FROM_DEVICE" -> DmaDirection.FROM_DEVICE;
      case "NONE" -> DmaDirection.NONE;
      default ->
          throw new BadLine(
              RejectReason.MALFORMED, "dir=" + shorten(text) + " is not a DMA direction");
    };
  }

  /**
   * A timestamp in seconds with a decimal fraction ({@code 1234.567890}), to nanoseconds exactly:
   * the fraction is read as digits, not as a double, so microsecond traces keep every digit.
   */
  static long secondsToNanos(String text, String field) throws BadLine {
    int dot = text.indexOf('.');
    String whole = dot < 0 ? text : text.substring(0, dot);
    String fraction = dot < 0 ? "" : text.substring(dot + 1);
    if (fraction.length() > 9) {
      fraction = fraction.substring(0, 9);
    }
    long seconds = decimal(whole, field);
    long nanos = fraction.isEmpty() ? 0 : decimal(fraction, field) * pow10(9 - fraction.length());
    if (seconds > (Long.MAX_VALUE - nanos) / 1_000_000_000L) {
      throw new BadLine(
          RejectReason.OUT_OF_RANGE, field + "=" + shorten(text) + " is beyond 292 years");
    }
    return seconds * 1_000_000_000L + nanos;
  }

  private static long pow10(int n) {
    long p = 1;
    for (int i = 0; i < n; i++) {
      p *= 10;
    }
    return p;
  }

  /** Kernel {@code __print_array} output: {@code {0x1000,0x2000}}, or {@code {}}. */
  static long[] hexArray(String text, String field) throws BadLine {
    if (text.length() < 2 || text.charAt(0) != '{' || text.charAt(text.length() - 1) != '}') {
      throw new BadLine(
          RejectReason.MALFORMED, field + "=" + shorten(text) + " is not an array {a,b,...}");
    }
    String inner = text.substring(1, text.length() - 1);
    if (inner.isEmpty()) {
      return new long[0];
    }
    String[] parts = inner.split(",", -1);
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      values[i] = address(parts[i].trim(), field + "[" + i + "]");
    }
    return values;
  }

  static String shorten(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
