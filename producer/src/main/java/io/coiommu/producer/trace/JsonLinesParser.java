package io.coiommu.producer.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.coiommu.producer.RejectReason;
import io.coiommu.producer.VmEvent;
import io.coiommu.producer.VmIdentity;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The project's JSON lines: one object per line with the fields of {@link ProjectRecord#COLUMNS} as
 * keys; numbers as JSON numbers or as strings (so 64-bit addresses can be written in hex,
 * "0x7f000000"); null or absent fields take the schema default. An unknown key is an error: a
 * misspelt field must not silently become a default.
 */
final class JsonLinesParser implements LineParser {

  private static final JsonFactory JSON = new JsonFactory();

  private final VmIdentity identity;

  JsonLinesParser(VmIdentity identity) {
    this.identity = identity;
  }

  @Override
  public Outcome parse(String line, long lineNumber, List<VmEvent> out) throws BadLine {
    if (line.isBlank()) {
      return Outcome.IGNORED;
    }
    Map<String, String> fields = new HashMap<>();
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new BadLine(RejectReason.MALFORMED, "not a JSON object");
      }
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        if (t == null) {
          throw new BadLine(RejectReason.TRUNCATED, "the JSON object is not closed");
        }
        String key = p.currentName();
        String canonical = ProjectRecord.canonical(key);
        if (canonical == null) {
          throw new BadLine(RejectReason.MALFORMED, "unknown key '" + Fields.shorten(key) + "'");
        }
        JsonToken value = p.nextToken();
        switch (value) {
          case VALUE_NULL -> {}
          case VALUE_STRING, VALUE_NUMBER_INT -> {
            String v = p.getText().trim();
            if (!v.isEmpty()) {
              fields.put(canonical, v);
            }
          }
          case VALUE_NUMBER_FLOAT ->
              throw new BadLine(
                  RejectReason.BAD_NUMBER, key + "=" + p.getText() + " is not a whole number");
          default ->
              throw new BadLine(RejectReason.MALFORMED, key + " must be a string or a number");
        }
      }
      if (p.nextToken() != null) {
        throw new BadLine(RejectReason.MALFORMED, "text after the JSON object");
      }
    } catch (JsonProcessingException e) {
      throw new BadLine(RejectReason.MALFORMED, "bad JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadLine(RejectReason.MALFORMED, "bad JSON: " + e.getMessage());
    }
    out.add(ProjectRecord.decode(fields::get, identity));
    return Outcome.EVENTS;
  }
}
