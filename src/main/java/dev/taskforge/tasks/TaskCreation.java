package dev.taskforge.tasks;

import dev.taskforge.queue.Enqueuer;
import dev.taskforge.queue.Task;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.Optional;

/**
 * Writes one new task, its dependencies and its job inside the caller's transaction: all of it is
 * created, or none. The task starts QUEUED, BLOCKED while a BLOCKS/REQUIRES dependency is
 * unfinished, or FAILED when a task it REQUIRES has already failed or been cancelled.
 */
final class TaskCreation {
  private TaskCreation() {
  }

  static Future<Task> create(SqlConnection conn, TaskDraft draft) {
    return create(conn, draft, true);
  }

  /**
   * As {@link #create(SqlConnection, TaskDraft)}, but its job is not announced: the caller calls
   * {@link Enqueuer#announce} once the transaction has committed.
   */
  static Future<Task> createUnannounced(SqlConnection conn, TaskDraft draft) {
    return create(conn, draft, false);
  }

  private static Future<Task> create(SqlConnection conn, TaskDraft draft, boolean announce) {
    NewTask task = draft.task();
    TaskRepository repo = new TaskRepository(conn);
    return Enqueuer.initialState(conn, task.ownerId(), draft.waitsFor(), draft.requires())
        .compose(state -> repo.create(task.withStatus(state.status())).compose(created -> {
          Future<?> chain = Future.succeededFuture();
          for (TaskDraft.Dependency d : draft.dependsOn()) {
            chain = chain.compose(v -> repo.addDependency(task.ownerId(), created.id(), d.taskId(), d.type()));
          }
          // Queueing writes no column of the task, so the row the insert returned is the task; a
          // failed requirement is written into the row, which is read again to tell it.
          return chain.compose(v -> state.failedRequirement() != null
              ? Enqueuer.explainFailedStart(conn, created.id(), state.failedRequirement())
                  .compose(explained -> repo.findById(task.ownerId(), created.id())).map(Optional::orElseThrow)
              : (announce ? Enqueuer.enqueueIfQueued(conn, created) : Enqueuer.enqueueUnannounced(conn, created))
                  .map(created));
        }));
  }
}
