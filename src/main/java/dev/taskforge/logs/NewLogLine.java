package dev.taskforge.logs;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/** A log line before it is stored: everything but the execution and its sequence number. */
public record NewLogLine(OffsetDateTime loggedAt, LogLevel level, LogSource source, String message, JsonObject details,
    String component, String operation, String correlationId) {

  public static NewLogLine of(LogLevel level, LogSource source, String message) {
    return new NewLogLine(OffsetDateTime.now(java.time.ZoneOffset.UTC), level, source, message, null, null, null, null);
  }
}
