package dev.taskforge.logs;

import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A row of execution_logs. Log lines of executions, numbered 1, 2, 3... per execution; partitioned by day of logged_at.
 *
 * @param executionId The execution the line belongs to.
 * @param seq Per-execution sequence number, gapless from 1.
 * @param loggedAt When the line was produced (the partition key).
 * @param level Severity (log_level).
 * @param source Origin (log_source).
 * @param message The text of the line, ANSI escapes kept as they came.
 * @param details Structured data attached to the line.
 * @param component Component that produced the line.
 * @param operation Operation under way when it was produced.
 * @param correlationId Ties lines of one request or tool call together.
 */
public record ExecutionLog(
    UUID executionId,
    Long seq,
    OffsetDateTime loggedAt,
    LogLevel level,
    LogSource source,
    String message,
    JsonObject details,
    String component,
    String operation,
    String correlationId) {

  /** Reads a row selected with every column of execution_logs (by name). */
  public static final RowMapper<ExecutionLog> MAPPER = row -> new ExecutionLog(
      row.getUUID("execution_id"),
      row.getLong("seq"),
      row.getOffsetDateTime("logged_at"),
      Rows.enumValue(row, "level", LogLevel.class),
      Rows.enumValue(row, "source", LogSource.class),
      row.getString("message"),
      Rows.object(row, "details"),
      row.getString("component"),
      row.getString("operation"),
      row.getString("correlation_id"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("executionId", Rows.id(executionId))
        .put("seq", seq)
        .put("loggedAt", Rows.iso(loggedAt))
        .put("level", Rows.name(level))
        .put("source", Rows.name(source))
        .put("message", message)
        .put("details", details)
        .put("component", component)
        .put("operation", operation)
        .put("correlationId", correlationId);
  }
}
