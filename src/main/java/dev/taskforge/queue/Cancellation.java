package dev.taskforge.queue;

import dev.taskforge.db.Templates;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
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

  private final Pool pool;

  public Cancellation(Pool pool) {
    this.pool = pool;
  }

  /** Cancels the owner's task; empty when there is no such task. */
  public Future<Optional<Result>> cancel(UUID ownerId, UUID taskId) {
    return pool.withTransaction(conn -> Templates.forQuery(conn, TaskStateSql.LOCK_TASK)
        .execute(Map.of("id", taskId, "owner_id", ownerId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Optional.<Result>empty());
          }
          Row row = rows.iterator().next();
          TaskStatus before = TaskStatus.valueOf(row.getString("status"));
          if ("RUNNING".equals(row.getString("job_status"))) {
            return Templates.forQuery(conn, TaskStateSql.REQUEST_CANCEL)
                .execute(Map.of("job_id", row.getLong("job_id"), "channel", CHANNEL))
                .map(v -> Optional.of(new Result(before, true)));
          }
          if (before == TaskStatus.COMPLETED || before == TaskStatus.FAILED || before == TaskStatus.CANCELLED) {
            return Future.succeededFuture(Optional.of(new Result(before, false)));
          }
          return Templates.forUpdate(conn, TaskStateSql.CANCEL_WAITING).execute(Map.of("id", taskId))
              .compose(v -> DependencyRelease.ended(conn, taskId, "was cancelled"))
              .map(v -> Optional.of(new Result(before, true)));
        }));
  }

  /** Queues a failed or cancelled task of the owner again, keeping its history. */
  public Future<Optional<Result>> retry(UUID ownerId, UUID taskId) {
    return pool.withTransaction(conn -> Templates.forQuery(conn, TaskStateSql.LOCK_TASK)
        .execute(Map.of("id", taskId, "owner_id", ownerId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Optional.<Result>empty());
          }
          TaskStatus before = TaskStatus.valueOf(rows.iterator().next().getString("status"));
          if (before != TaskStatus.FAILED && before != TaskStatus.CANCELLED) {
            return Future.succeededFuture(Optional.of(new Result(before, false)));
          }
          return Templates.forQuery(conn, TaskStateSql.REQUEUE).mapTo(Task.MAPPER)
              .execute(Map.of("id", taskId))
              .compose(requeued -> Enqueuer.enqueueIfQueued(conn, requeued.iterator().next()))
              .map(v -> Optional.of(new Result(before, true)));
        }));
  }
}
