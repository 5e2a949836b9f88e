package dev.taskforge.queue;

import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A row of queue_jobs. One queued run of a task. Queue position = priority DESC, run_at, id; it survives any restart.
 *
 * @param id Identifier; increasing, so it breaks ties in creation order.
 * @param taskId The task this job runs.
 * @param queueName Queue the job waits in.
 * @param status Lifecycle state (job_status).
 * @param priority Higher runs first: 0 LOW, 1 MEDIUM, 2 HIGH, 3 CRITICAL.
 * @param runAt Not claimable before this time (scheduled start or retry backoff).
 * @param attempt Attempts started so far.
 * @param maxAttempts Attempts allowed before the job fails for good.
 * @param backoffType FIXED or EXPONENTIAL delay between attempts.
 * @param backoffDelayMs Base delay before a retry, in milliseconds.
 * @param backoffMaxMs Upper bound of the retry delay, in milliseconds.
 * @param timeoutSeconds An attempt running longer is killed and fails with TIMED_OUT.
 * @param leaseOwner Worker or instance holding the running job.
 * @param leaseExpiresAt Heartbeats push this forward; once passed, the job returns to the queue.
 * @param jobData What the executor needs to run the task.
 * @param jobOptions Options the job was enqueued with.
 * @param result Result reported by the completing attempt.
 * @param lastError Error message of the last failed attempt.
 * @param createdAt When the job was enqueued.
 * @param updatedAt When the row last changed (maintained by trigger).
 * @param processedAt When the job was first claimed.
 * @param finishedAt When the job reached COMPLETED, FAILED or CANCELLED.
 * @param cancelRequestedAt When a cancel of the running job was requested; its holder stops at its next heartbeat.
 */
public record QueueJob(
    Long id,
    UUID taskId,
    String queueName,
    JobStatus status,
    Integer priority,
    OffsetDateTime runAt,
    Integer attempt,
    Integer maxAttempts,
    BackoffType backoffType,
    Integer backoffDelayMs,
    Integer backoffMaxMs,
    Integer timeoutSeconds,
    String leaseOwner,
    OffsetDateTime leaseExpiresAt,
    JsonObject jobData,
    JsonObject jobOptions,
    JsonObject result,
    String lastError,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt,
    OffsetDateTime processedAt,
    OffsetDateTime finishedAt,
    OffsetDateTime cancelRequestedAt) {

  /** Reads a row selected with every column of queue_jobs (by name). */
  public static final RowMapper<QueueJob> MAPPER = row -> new QueueJob(
      row.getLong("id"),
      row.getUUID("task_id"),
      row.getString("queue_name"),
      Rows.enumValue(row, "status", JobStatus.class),
      row.getInteger("priority"),
      row.getOffsetDateTime("run_at"),
      row.getInteger("attempt"),
      row.getInteger("max_attempts"),
      Rows.enumValue(row, "backoff_type", BackoffType.class),
      row.getInteger("backoff_delay_ms"),
      row.getInteger("backoff_max_ms"),
      row.getInteger("timeout_seconds"),
      row.getString("lease_owner"),
      row.getOffsetDateTime("lease_expires_at"),
      Rows.object(row, "job_data"),
      Rows.object(row, "job_options"),
      Rows.object(row, "result"),
      row.getString("last_error"),
      row.getOffsetDateTime("created_at"),
      row.getOffsetDateTime("updated_at"),
      row.getOffsetDateTime("processed_at"),
      row.getOffsetDateTime("finished_at"),
      row.getOffsetDateTime("cancel_requested_at"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", Rows.id(id))
        .put("taskId", Rows.id(taskId))
        .put("queueName", queueName)
        .put("status", Rows.name(status))
        .put("priority", priority)
        .put("runAt", Rows.iso(runAt))
        .put("attempt", attempt)
        .put("maxAttempts", maxAttempts)
        .put("backoffType", Rows.name(backoffType))
        .put("backoffDelayMs", backoffDelayMs)
        .put("backoffMaxMs", backoffMaxMs)
        .put("timeoutSeconds", timeoutSeconds)
        .put("leaseOwner", leaseOwner)
        .put("leaseExpiresAt", Rows.iso(leaseExpiresAt))
        .put("jobData", jobData)
        .put("jobOptions", jobOptions)
        .put("result", result)
        .put("lastError", lastError)
        .put("createdAt", Rows.iso(createdAt))
        .put("updatedAt", Rows.iso(updatedAt))
        .put("processedAt", Rows.iso(processedAt))
        .put("finishedAt", Rows.iso(finishedAt))
        .put("cancelRequestedAt", Rows.iso(cancelRequestedAt));
  }
}
