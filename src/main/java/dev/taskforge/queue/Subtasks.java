package dev.taskforge.queue;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
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
  private static final String LOCK_FAMILY =
      "SELECT pg_advisory_xact_lock(hashtextextended('taskforge.subtasks:' || #{id}::uuid::text, 0))";

  private static final String PARENT_OF = "SELECT parent_id FROM tasks WHERE id = #{id} AND parent_id IS NOT NULL";

  /**
   * Ends a task whose own run is done (its job COMPLETED, none waiting or running) once no subtask
   * is left unfinished. Returns the new status, or no row when it is not ready.
   */
  private static final String SETTLE = """
      WITH ready AS (
        SELECT p.id FROM tasks p
         WHERE p.id = #{id} AND p.status = 'RUNNING'
           AND EXISTS (SELECT 1 FROM queue_jobs j WHERE j.task_id = p.id AND j.status = 'COMPLETED')
           AND NOT EXISTS (SELECT 1 FROM queue_jobs j WHERE j.task_id = p.id AND j.status IN ('AVAILABLE', 'RUNNING'))
           AND NOT EXISTS (SELECT 1 FROM tasks s
                            WHERE s.parent_id = p.id AND s.status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED'))
      ), failed_subtasks AS (
        SELECT string_agg(s.id::text, ', ' ORDER BY s.position, s.created_at) AS ids
          FROM tasks s JOIN ready r ON s.parent_id = r.id
         WHERE s.status IN ('FAILED', 'CANCELLED')
      ), settled AS (
        UPDATE tasks t
           SET status = CASE WHEN f.ids IS NULL THEN 'COMPLETED'::task_status ELSE 'FAILED' END,
               completed_at = now()
          FROM ready r, failed_subtasks f
         WHERE t.id = r.id
        RETURNING t.id, t.status, f.ids
      ), noted AS (
        INSERT INTO task_results (task_id, status, summary)
        SELECT id, 'FAILURE', 'subtasks failed or were cancelled: ' || ids FROM settled WHERE ids IS NOT NULL
      )
      SELECT id, status::text FROM settled
      """;

  private Subtasks() {
  }

  /** Takes {@code taskId}'s family lock: call before a statement that decides its end from its subtasks. */
  static Future<Void> lock(SqlConnection conn, UUID taskId) {
    return SqlTemplate.forQuery(conn, LOCK_FAMILY).execute(Map.of("id", taskId)).mapEmpty();
  }

  /** {@code taskId} ended (completed, failed or cancelled): its parent may now end too. */
  static Future<Void> ended(SqlConnection conn, UUID taskId) {
    return SqlTemplate.forQuery(conn, PARENT_OF).execute(Map.of("id", taskId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture();
      }
      UUID parent = rows.iterator().next().getUUID("parent_id");
      return lock(conn, parent).compose(v -> settle(conn, parent));
    });
  }

  /**
   * Ends {@code taskId} if its run is done and its subtasks all ended (caller holds its family
   * lock), then releases or fails its dependents and settles its parent.
   */
  static Future<Void> settle(SqlConnection conn, UUID taskId) {
    return SqlTemplate.forQuery(conn, SETTLE).execute(Map.of("id", taskId)).compose(rows -> {
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
