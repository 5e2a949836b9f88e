package dev.taskforge.results;

import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A row of task_results. What an execution produced: summary, structured output, tokens and cost.
 *
 * @param id Opaque identifier.
 * @param taskId The task the result is for.
 * @param executionId The execution that produced it.
 * @param status SUCCESS, PARTIAL or FAILURE.
 * @param summary Final text of the run.
 * @param output Structured output.
 * @param executionTimeMs Run time in milliseconds.
 * @param tokensUsed All tokens used (input + output + cache).
 * @param inputTokens Input tokens.
 * @param outputTokens Output tokens.
 * @param cacheCreationTokens Tokens written to the prompt cache.
 * @param cacheReadTokens Tokens read from the prompt cache.
 * @param costEstimate Cost in US dollars as reported by the agent.
 * @param sessionId Agent session id.
 * @param numTurns Agent turns taken.
 * @param createdAt When the result was recorded.
 */
public record TaskResult(
    UUID id,
    UUID taskId,
    UUID executionId,
    ResultStatus status,
    String summary,
    JsonObject output,
    Long executionTimeMs,
    Long tokensUsed,
    Long inputTokens,
    Long outputTokens,
    Long cacheCreationTokens,
    Long cacheReadTokens,
    BigDecimal costEstimate,
    String sessionId,
    Integer numTurns,
    OffsetDateTime createdAt) {

  /** Reads a row selected with every column of task_results (by name). */
  public static final RowMapper<TaskResult> MAPPER = row -> new TaskResult(
      row.getUUID("id"),
      row.getUUID("task_id"),
      row.getUUID("execution_id"),
      Rows.enumValue(row, "status", ResultStatus.class),
      row.getString("summary"),
      Rows.object(row, "output"),
      row.getLong("execution_time_ms"),
      row.getLong("tokens_used"),
      row.getLong("input_tokens"),
      row.getLong("output_tokens"),
      row.getLong("cache_creation_tokens"),
      row.getLong("cache_read_tokens"),
      row.getBigDecimal("cost_estimate"),
      row.getString("session_id"),
      row.getInteger("num_turns"),
      row.getOffsetDateTime("created_at"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", Rows.id(id))
        .put("taskId", Rows.id(taskId))
        .put("executionId", Rows.id(executionId))
        .put("status", Rows.name(status))
        .put("summary", summary)
        .put("output", output)
        .put("executionTimeMs", executionTimeMs)
        .put("tokensUsed", tokensUsed)
        .put("inputTokens", inputTokens)
        .put("outputTokens", outputTokens)
        .put("cacheCreationTokens", cacheCreationTokens)
        .put("cacheReadTokens", cacheReadTokens)
        .put("costEstimate", costEstimate == null ? null : costEstimate.doubleValue())
        .put("sessionId", sessionId)
        .put("numTurns", numTurns)
        .put("createdAt", Rows.iso(createdAt));
  }
}
