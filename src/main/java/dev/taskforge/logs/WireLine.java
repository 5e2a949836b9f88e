package dev.taskforge.logs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A log line as clients see it, its JSON text written once when the tail reads it and shared by
 * every watcher: a JsonObject per line, encoded again by each watcher's socket, was a fifth of the
 * server's CPU when 100 tails took 50,000 lines a second. The text is the one
 * {@link TailFrame#wire} encodes to.
 */
public record WireLine(long seq, String json) {
  /** As Vert.x's own: characters outside the BMP written as UTF-8, not as escaped surrogate pairs. */
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

  /** The lines' texts, in the order read (a list nobody changes); one writer for the lot, each line cut out of it. */
  public static List<WireLine> of(Iterable<ExecutionLog> rows) {
    List<WireLine> lines = new ArrayList<>();
    StringWriter out = new StringWriter(4096);
    StringBuffer text = out.getBuffer();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.setRootValueSeparator(null); // each line's text is cut out alone: nothing between them
      for (ExecutionLog row : rows) {
        int start = text.length();
        write(row, json);
        json.flush();
        lines.add(new WireLine(row.seq(), text.substring(start)));
      }
    } catch (IOException e) {
      throw new EncodeException("a log line could not be written as JSON: " + e.getMessage());
    }
    return Collections.unmodifiableList(lines);
  }

  private static void write(ExecutionLog line, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeNumberField("seq", line.seq());
    json.writeStringField("ts", line.loggedAt().toInstant().toString());
    json.writeStringField("level", line.level().name());
    json.writeStringField("source", line.source().name());
    json.writeStringField("message", line.message());
    json.writeFieldName("details");
    if (line.details() == null) {
      json.writeNull();
    } else {
      JacksonCodec.encodeJson(line.details(), json);
    }
    json.writeStringField("component", line.component());
    json.writeStringField("operation", line.operation());
    json.writeStringField("correlationId", line.correlationId());
    json.writeEndObject();
  }

  /** The last line's seq. */
  static long lastSeq(List<WireLine> lines) {
    return lines.get(lines.size() - 1).seq();
  }
}
