package dev.taskforge.queue;

import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A row of job_attempts, the view of the executions of queue jobs. Every attempt at a job,
 * including the ones lost with a dead worker.
 *
 * @param jobId The job attempted.
 * @param attemptNumber 1 for the first attempt, then 2, 3...
 * @param executionId The task execution this attempt ran as.
 * @param workerId Worker or instance that ran the attempt.
 * @param startedAt When the attempt was claimed.
 * @param finishedAt When the attempt ended; NULL while it runs.
 * @param outcome How it ended; NULL while it runs.
 * @param errorMessage Why it failed.
 * @param errorCode Machine-readable failure code (exit code, TIMEOUT, LEASE_EXPIRED...).
 */
public record JobAttempt(
    Long jobId,
    Integer attemptNumber,
    UUID executionId,
    String workerId,
    OffsetDateTime startedAt,
    OffsetDateTime finishedAt,
    AttemptOutcome outcome,
    String errorMessage,
    String errorCode) {

  /** Reads a row selected with every column of job_attempts (by name). */
  public static final RowMapper<JobAttempt> MAPPER = row -> new JobAttempt(
      row.getLong("job_id"),
      row.getInteger("attempt_number"),
      row.getUUID("execution_id"),
      row.getString("worker_id"),
      row.getOffsetDateTime("started_at"),
      row.getOffsetDateTime("finished_at"),
      Rows.enumValue(row, "outcome", AttemptOutcome.class),
      row.getString("error_message"),
      row.getString("error_code"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("jobId", Rows.id(jobId))
        .put("attemptNumber", attemptNumber)
        .put("executionId", Rows.id(executionId))
        .put("workerId", workerId)
        .put("startedAt", Rows.iso(startedAt))
        .put("finishedAt", Rows.iso(finishedAt))
        .put("outcome", Rows.name(outcome))
        .put("errorMessage", errorMessage)
        .put("errorCode", errorCode);
  }
}
