package dev.taskforge.executions;

import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Task executions: created by the dispatcher, read by their task's owner. */
public final class ExecutionRepository {
  private final SqlClient client;

  public ExecutionRepository(SqlClient client) {
    this.client = client;
  }

  /** Opens an execution of a task, optionally as an attempt of one of its queue jobs. */
  public Future<TaskExecution> create(UUID taskId, Long jobId, int attemptNumber, String executor, String workerId,
      int retryCount) {
    Map<String, Object> params = new HashMap<>();
    params.put("task_id", taskId);
    params.put("job_id", jobId);
    params.put("attempt_number", attemptNumber);
    params.put("executor", executor);
    params.put("worker_id", workerId);
    params.put("retry_count", retryCount);
    return Templates.forQuery(client, ExecutionSql.INSERT).mapTo(TaskExecution.MAPPER).execute(params)
        .map(rows -> rows.iterator().next());
  }

  public Future<Optional<TaskExecution>> findById(UUID ownerId, UUID id) {
    return Templates.forQuery(client, ExecutionSql.BY_ID).mapTo(TaskExecution.MAPPER)
        .execute(Map.of("owner_id", ownerId, "id", id)).map(Rows::first);
  }

  /** A task's executions, newest first. */
  public Future<List<TaskExecution>> ofTask(UUID ownerId, UUID taskId) {
    return Templates.forQuery(client, ExecutionSql.OF_TASK).mapTo(TaskExecution.MAPPER)
        .execute(Map.of("owner_id", ownerId, "task_id", taskId)).map(Rows::list);
  }

  /** Records a heartbeat with the execution's status and progress (0..1). */
  public Future<Optional<TaskExecution>> reportProgress(UUID id, ExecutionStatus status, float progress) {
    return Templates.forQuery(client, ExecutionSql.PROGRESS).mapTo(TaskExecution.MAPPER)
        .execute(Map.of("id", id, "status", status.name(), "progress", progress)).map(Rows::first);
  }

  /** Keeps the highest CPU (percent of one core) and resident memory (bytes) seen for the execution. */
  public Future<Void> recordResourcePeaks(UUID id, double cpuPercent, long memoryBytes) {
    return Templates.forUpdate(client, ExecutionSql.RESOURCE_PEAKS)
        .execute(Map.of("id", id, "cpu_percent", cpuPercent, "memory_bytes", memoryBytes)).mapEmpty();
  }
}
