package dev.taskforge.logs;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** A log line before it is stored: everything but the execution and its sequence number. */
public record NewLogLine(OffsetDateTime loggedAt, LogLevel level, LogSource source, String message, JsonObject details,
    String component, String operation, String correlationId) {
  /** What a line holds besides its text: the record, its time and the references to its parts. */
  private static final long FIXED_BYTES = 96;

  public static NewLogLine of(LogLevel level, LogSource source, String message) {
    return new NewLogLine(OffsetDateTime.now(ZoneOffset.UTC), level, source, message, null, null, null, null);
  }

  /** Roughly the memory the line holds: two bytes a character of its text and details, and a fixed share. */
  long bytes() {
    long chars = length(message) + length(component) + length(operation) + length(correlationId)
        + (details == null ? 0 : details.encode().length());
    return FIXED_BYTES + 2 * chars;
  }

  private static long length(String text) {
    return text == null ? 0 : text.length();
  }
}
