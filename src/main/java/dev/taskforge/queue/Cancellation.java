package dev.taskforge.queue;

import dev.taskforge.tasks.TaskStatus;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Cancelling and retrying a task. A task that is not running is cancelled in one transaction
 * (its waiting job too). For a running one the request is recorded on its job and announced on
 * {@value #CHANNEL}: the dispatcher that holds it, on whichever instance, kills its process tree
 * and records the attempt CANCELLED — at once on the announcement, or at its next heartbeat if the
 * announcement was missed. An external worker learns it from its heartbeat's answer.
 */
public final class Cancellation {
  public static final String CHANNEL = "taskforge_cancel";

  /** What a request found: the task's status before, and whether anything was done. */
  public record Result(TaskStatus before, boolean done) {}

  private static final String LOCK_TASK = """
      SELECT t.status::text AS status, j.id AS job_id, j.status::text AS job_status
        FROM tasks t
        LEFT JOIN queue_jobs j ON j.task_id = t.id AND j.status IN ('AVAILABLE', 'RUNNING')
       WHERE t.id = #{id} AND t.owner_id = #{owner_id}
         FOR UPDATE OF t
      """;

  private static final String CANCEL_WAITING = """
      WITH job AS (
        UPDATE queue_jobs SET status = 'CANCELLED', finished_at = now()
         WHERE task_id = #{id} AND status = 'AVAILABLE'
      )
      UPDATE tasks SET status = 'CANCELLED', completed_at = now() WHERE id = #{id}
      """;

  /** Records the cancel request on the running job, and announces it to whoever holds the job. */
  private static final String REQUEST_CANCEL = """
      WITH requested AS (
        UPDATE queue_jobs SET cancel_requested_at = coalesce(cancel_requested_at, now())
         WHERE id = #{job_id} AND status = 'RUNNING'
        RETURNING id
      )
      SELECT pg_notify(#{channel}, id::text) FROM requested
      """;

  private static final String REQUEUE = """
      UPDATE tasks SET status = 'QUEUED', completed_at = NULL WHERE id = #{id} RETURNING *
      """;

  private final Pool pool;

  public Cancellation(Pool pool) {
    this.pool = pool;
  }

  /** Cancels the owner's task; empty when there is no such task. */
  public Future<Optional<Result>> cancel(UUID ownerId, UUID taskId) {
    return pool.withTransaction(conn -> SqlTemplate.forQuery(conn, LOCK_TASK)
        .execute(Map.of("id", taskId, "owner_id", ownerId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Optional.<Result>empty());
          }
          Row row = rows.iterator().next();
          TaskStatus before = TaskStatus.valueOf(row.getString("status"));
          if ("RUNNING".equals(row.getString("job_status"))) {
            return SqlTemplate.forQuery(conn, REQUEST_CANCEL).execute(Map.of("job_id", row.getLong("job_id"), "channel", CHANNEL))
                .map(v -> Optional.of(new Result(before, true)));
          }
          if (before == TaskStatus.COMPLETED || before == TaskStatus.FAILED || before == TaskStatus.CANCELLED) {
            return Future.succeededFuture(Optional.of(new Result(before, false)));
          }
          return SqlTemplate.forUpdate(conn, CANCEL_WAITING).execute(Map.of("id", taskId))
              .compose(v -> DependencyRelease.ended(conn, taskId, "was cancelled"))
              .map(v -> Optional.of(new Result(before, true)));
        }));
  }

  /** Queues a failed or cancelled task of the owner again, keeping its history. */
  public Future<Optional<Result>> retry(UUID ownerId, UUID taskId) {
    return pool.withTransaction(conn -> SqlTemplate.forQuery(conn, LOCK_TASK)
        .execute(Map.of("id", taskId, "owner_id", ownerId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Optional.<Result>empty());
          }
          TaskStatus before = TaskStatus.valueOf(rows.iterator().next().getString("status"));
          if (before != TaskStatus.FAILED && before != TaskStatus.CANCELLED) {
            return Future.succeededFuture(Optional.of(new Result(before, false)));
          }
          return SqlTemplate.forQuery(conn, REQUEUE).mapTo(dev.taskforge.tasks.Task.MAPPER)
              .execute(Map.of("id", taskId))
              .compose(requeued -> Enqueuer.enqueueIfQueued(conn, requeued.iterator().next()))
              .map(v -> Optional.of(new Result(before, true)));
        }));
  }
}
