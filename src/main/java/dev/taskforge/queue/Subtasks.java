package dev.taskforge.queue;

import dev.taskforge.db.Templates;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.util.Map;
import java.util.UUID;

/**
 * A parent task completes when all its subtasks have. When a task's own run succeeds while some
 * of its subtasks have not ended, it stays RUNNING; the moment the last subtask ends, the parent
 * ends too: COMPLETED when every subtask completed, FAILED (with a result naming them) when some
 * failed or were cancelled. Its dependents are then released or failed, and its own parent is
 * settled the same way, up the tree.
 *
 * <p>Everything that reads a task's subtasks to decide its end holds that task's family lock
 * first (a transaction-scoped advisory lock), so a parent finishing its run and its last subtask
 * ending at the same moment cannot both miss each other. Locks are taken child before parent.
 */
final class Subtasks {
  private Subtasks() {
  }

  /** Takes {@code taskId}'s family lock: call before a statement that decides its end from its subtasks. */
  static Future<Void> lock(SqlConnection conn, UUID taskId) {
    return Templates.forQuery(conn, TaskStateSql.LOCK_FAMILY).execute(Map.of("id", taskId)).mapEmpty();
  }

  /** {@code taskId} ended (completed, failed or cancelled): its parent may now end too. */
  static Future<Void> ended(SqlConnection conn, UUID taskId) {
    return Templates.forQuery(conn, TaskStateSql.PARENT_OF).execute(Map.of("id", taskId)).compose(rows -> {
      UUID parent = rows.size() == 0 ? null : rows.iterator().next().getUUID("parent_id");
      return parent == null ? Future.succeededFuture() : endedUnder(conn, parent);
    });
  }

  /** A subtask of {@code parent} ended: the parent may now end too. */
  static Future<Void> endedUnder(SqlConnection conn, UUID parent) {
    return lock(conn, parent).compose(v -> settle(conn, parent));
  }

  /**
   * Ends {@code taskId} if its run is done and its subtasks all ended (caller holds its family
   * lock), then releases or fails its dependents and settles its parent.
   */
  static Future<Void> settle(SqlConnection conn, UUID taskId) {
    return Templates.forQuery(conn, TaskStateSql.SETTLE).execute(Map.of("id", taskId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture();
      }
      Row row = rows.iterator().next();
      // A failure is carried down to the dependents and up to the parent by DependencyRelease.ended.
      return "COMPLETED".equals(row.getString("status"))
          ? DependencyRelease.completed(conn, taskId).compose(n -> ended(conn, taskId))
          : DependencyRelease.ended(conn, taskId, "failed").mapEmpty();
    });
  }
}
