package dev.taskforge.logs;

import dev.taskforge.http.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /api/worker/executions/{id}/logs}, read and checked in one pass by the
 * rules the contract states for it (workerLogs): the hottest request of the API, up to 1,000 lines
 * a call, whose lines the contract's validator would each walk through the schema again. Every
 * refusal is a 400 naming the field, e.g. {@code lines[17].level}.
 *
 * @param workerId the worker, as the claim named it
 * @param lines the lines, made storable ({@link LogText})
 */
public record WorkerLogLines(String workerId, List<NewLogLine> lines) {
  private static final Pattern WORKER_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
  private static final Set<String> BODY_FIELDS = Set.of("workerId", "lines");
  private static final Set<String> LINE_FIELDS = Set.of("message", "level", "source", "timestamp", "details",
      "component", "operation", "correlationId");
  private static final int MAX_LINES = 1000;
  private static final int MAX_MESSAGE = 1_000_000;
  private static final int MAX_LABEL = 200;

  /** Reads {@code body} (sent as {@code contentType}); {@link ApiException} 400 naming what is wrong. */
  public static WorkerLogLines parse(String contentType, Buffer body) {
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw ApiException.badRequest(null, "the body must be application/json");
    }
    JsonObject json;
    try {
      json = body == null ? null : body.toJsonObject();
    } catch (DecodeException e) {
      throw new ApiException(400, "malformed_json", "the request body is not valid JSON", null);
    } catch (ClassCastException e) {
      throw ApiException.badRequest(null, "the body is not a JSON object");
    }
    if (json == null) {
      throw ApiException.badRequest(null, "the body is required");
    }
    for (String field : json.fieldNames()) {
      if (!BODY_FIELDS.contains(field)) {
        throw ApiException.badRequest(field, "property " + field + " is not allowed");
      }
    }
    String workerId = string(json, "workerId", "workerId", true, 100);
    if (!WORKER_ID.matcher(workerId).matches()) {
      throw ApiException.badRequest("workerId", "workerId must be 1 to 100 letters, digits, '_', '.', ':' or '-'");
    }
    if (!(json.getValue("lines") instanceof JsonArray array)) {
      throw ApiException.badRequest("lines", json.containsKey("lines") ? "lines must be an array" : "lines is required");
    }
    if (array.isEmpty() || array.size() > MAX_LINES) {
      throw ApiException.badRequest("lines", "lines must hold 1 to " + MAX_LINES + " lines");
    }
    List<NewLogLine> lines = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      lines.add(line(array.getValue(i), "lines[" + i + "]"));
    }
    return new WorkerLogLines(workerId, lines);
  }

  private static NewLogLine line(Object value, String at) {
    if (!(value instanceof JsonObject line)) {
      throw ApiException.badRequest(at, at + " must be an object");
    }
    for (Map.Entry<String, Object> field : line) {
      if (!LINE_FIELDS.contains(field.getKey())) {
        throw ApiException.badRequest(at + "." + field.getKey(), "property " + field.getKey() + " is not allowed");
      }
    }
    String message = string(line, "message", at + ".message", true, MAX_MESSAGE);
    LogLevel level = constant(LogLevel.class, string(line, "level", at + ".level", false, 10), at + ".level",
        LogLevel.INFO);
    LogSource source = constant(LogSource.class, string(line, "source", at + ".source", false, 10), at + ".source",
        LogSource.WORKER);
    String timestamp = string(line, "timestamp", at + ".timestamp", false, 100);
    OffsetDateTime loggedAt;
    try {
      loggedAt = timestamp == null ? OffsetDateTime.now(ZoneOffset.UTC) : OffsetDateTime.parse(timestamp);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(at + ".timestamp", "timestamp must be an ISO-8601 date-time with an offset");
    }
    Object details = line.getValue("details");
    if (details == null ? line.containsKey("details") : !(details instanceof JsonObject)) {
      throw ApiException.badRequest(at + ".details", "details must be an object");
    }
    return LogText.storable(new NewLogLine(loggedAt, level, source, message, (JsonObject) details,
        string(line, "component", at + ".component", false, MAX_LABEL),
        string(line, "operation", at + ".operation", false, MAX_LABEL),
        string(line, "correlationId", at + ".correlationId", false, MAX_LABEL)));
  }

  /** A string field of at most {@code max} characters (code points, as JSON Schema counts them). */
  private static String string(JsonObject json, String key, String at, boolean required, int max) {
    Object value = json.getValue(key);
    if (value == null) {
      if (required || json.containsKey(key)) {
        throw ApiException.badRequest(at, json.containsKey(key) ? at + " must be a string" : at + " is required");
      }
      return null;
    }
    if (!(value instanceof String text)) {
      throw ApiException.badRequest(at, at + " must be a string");
    }
    if (text.length() > max && text.codePointCount(0, text.length()) > max) {
      throw ApiException.badRequest(at, at + " is longer than " + max + " characters");
    }
    return text;
  }

  private static <E extends Enum<E>> E constant(Class<E> type, String value, String at, E fallback) {
    if (value == null) {
      return fallback;
    }
    try {
      return Enum.valueOf(type, value);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(at, at + " must be one of " + Arrays.toString(type.getEnumConstants()));
    }
  }
}
