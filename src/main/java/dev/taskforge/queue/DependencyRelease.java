package dev.taskforge.queue;

import dev.taskforge.db.Rows;
import dev.taskforge.db.Templates;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a task's end means for the tasks that depend on it, in the transaction that records the
 * end: a completed task releases dependents it was the last unfinished BLOCKS/REQUIRES dependency
 * of (they are queued); a failed or cancelled task fails the dependents that REQUIRE it, with a
 * result naming it, and so on down the chain. SUGGESTS never holds anything up.
 */
public final class DependencyRelease {
  private DependencyRelease() {
  }

  /** Queues the dependents that {@code taskId}'s completion leaves with nothing to wait for. */
  public static Future<Integer> completed(SqlConnection conn, UUID taskId) {
    return Templates.forQuery(conn, TaskStateSql.READY_DEPENDENTS).mapTo(Task.MAPPER)
        .execute(Map.of("task_id", taskId))
        .compose(ready -> {
          Future<Integer> chain = Future.succeededFuture(0);
          for (Task dependent : ready) {
            chain = chain.compose(n -> Templates.forQuery(conn, TaskStateSql.QUEUE).mapTo(Task.MAPPER)
                .execute(Map.of("id", dependent.id()))
                .compose(rows -> Enqueuer.enqueueIfQueued(conn, rows.iterator().next()))
                .map(n + 1));
          }
          return chain;
        });
  }

  /**
   * Fails, transitively, the tasks that REQUIRE {@code taskId}, which failed or was cancelled; the
   * parent of each task that ended this way may end with it ({@link Subtasks}).
   */
  public static Future<Integer> ended(SqlConnection conn, UUID taskId, String how) {
    return failRequiring(conn, List.of(taskId), List.of(how)).compose(n -> Subtasks.ended(conn, taskId).map(n));
  }

  /**
   * Fails, transitively, the tasks that REQUIRE any of {@code taskIds}, which each failed or was
   * cancelled ({@code hows}, element for element), in one statement for them all; the parents of
   * the tasks failed this way are settled, not those of {@code taskIds} (the caller's part).
   */
  static Future<Integer> failRequiring(SqlConnection conn, List<UUID> taskIds, List<String> hows) {
    if (taskIds.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return Templates.forQuery(conn, TaskStateSql.FAIL_REQUIRING_ANY)
        .execute(Map.of("task_ids", taskIds.toArray(UUID[]::new), "hows", hows.toArray(String[]::new)))
        .compose(rows -> {
          List<UUID> failed = Rows.list(rows).stream().map(r -> r.getUUID("task_id")).toList();
          Future<Integer> chain = Future.succeededFuture(failed.size());
          for (UUID next : failed) {
            chain = chain.compose(n -> ended(conn, next, "failed").map(m -> n + m));
          }
          return chain;
        });
  }
}
