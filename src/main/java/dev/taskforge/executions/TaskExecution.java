package dev.taskforge.executions;

import dev.taskforge.db.Rows;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.templates.RowMapper;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A row of task_executions. One run of a task by an executor, with its status, progress, resource use and errors.
 *
 * @param id Opaque identifier.
 * @param taskId The task run.
 * @param jobId The queue job this execution is an attempt of.
 * @param attemptNumber Which attempt of the job this is (1 first).
 * @param executor Name of the executor that ran it (claude, shell, an external worker...).
 * @param status Lifecycle state (execution_status).
 * @param progress Fraction done, from 0 to 1.
 * @param workerId Worker or instance running it.
 * @param processId Operating-system process id of the executor process.
 * @param sessionId Agent session id (Claude Code session).
 * @param exitCode Exit code of the process, when it exited.
 * @param cpuUsage Peak CPU use of the process tree, percent of one core.
 * @param memoryUsage Peak resident memory of the process tree, bytes.
 * @param diskUsage Bytes written under the execution's working directory.
 * @param errorMessage Why it failed.
 * @param errorCode Machine-readable failure code.
 * @param stackTrace Stack trace or stderr tail of the failure.
 * @param retryCount Retries that preceded this execution.
 * @param logSeq Last log sequence number allocated; log writers lock this row to keep seq
 *     gapless.
 * @param createdAt When the execution was created (at claim).
 * @param updatedAt When the row last changed (maintained by trigger).
 * @param startedAt When the process started.
 * @param completedAt When it reached a final state.
 * @param lastHeartbeat Time of the last heartbeat from its worker.
 */
public record TaskExecution(
    UUID id,
    UUID taskId,
    Long jobId,
    Integer attemptNumber,
    String executor,
    ExecutionStatus status,
    Float progress,
    String workerId,
    String processId,
    String sessionId,
    Integer exitCode,
    Double cpuUsage,
    Long memoryUsage,
    Long diskUsage,
    String errorMessage,
    String errorCode,
    String stackTrace,
    Integer retryCount,
    Long logSeq,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt,
    OffsetDateTime startedAt,
    OffsetDateTime completedAt,
    OffsetDateTime lastHeartbeat) {

  /** Reads a row selected with every column of task_executions (by name). */
  public static final RowMapper<TaskExecution> MAPPER = row -> new TaskExecution(
      row.getUUID("id"),
      row.getUUID("task_id"),
      row.getLong("job_id"),
      row.getInteger("attempt_number"),
      row.getString("executor"),
      Rows.enumValue(row, "status", ExecutionStatus.class),
      row.getFloat("progress"),
      row.getString("worker_id"),
      row.getString("process_id"),
      row.getString("session_id"),
      row.getInteger("exit_code"),
      row.getDouble("cpu_usage"),
      row.getLong("memory_usage"),
      row.getLong("disk_usage"),
      row.getString("error_message"),
      row.getString("error_code"),
      row.getString("stack_trace"),
      row.getInteger("retry_count"),
      row.getLong("log_seq"),
      row.getOffsetDateTime("created_at"),
      row.getOffsetDateTime("updated_at"),
      row.getOffsetDateTime("started_at"),
      row.getOffsetDateTime("completed_at"),
      row.getOffsetDateTime("last_heartbeat"));

  /** The wire form: camelCase keys, ids as strings, ISO-8601 UTC timestamps. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", Rows.id(id))
        .put("taskId", Rows.id(taskId))
        .put("jobId", Rows.id(jobId))
        .put("attemptNumber", attemptNumber)
        .put("executor", executor)
        .put("status", Rows.name(status))
        .put("progress", progress)
        .put("workerId", workerId)
        .put("processId", processId)
        .put("sessionId", sessionId)
        .put("exitCode", exitCode)
        .put("cpuUsage", cpuUsage)
        .put("memoryUsage", memoryUsage)
        .put("diskUsage", diskUsage)
        .put("errorMessage", errorMessage)
        .put("errorCode", errorCode)
        .put("stackTrace", stackTrace)
        .put("retryCount", retryCount)
        .put("logSeq", logSeq)
        .put("createdAt", Rows.iso(createdAt))
        .put("updatedAt", Rows.iso(updatedAt))
        .put("startedAt", Rows.iso(startedAt))
        .put("completedAt", Rows.iso(completedAt))
        .put("lastHeartbeat", Rows.iso(lastHeartbeat));
  }
}
