package dev.taskforge.queue;

/**
 * The SQL of a task's way through the queue beside the claim and the outcome ({@link LeaseSql},
 * {@link OutcomeSql}): enqueueing ({@link Enqueuer}), cancelling and retrying
 * ({@link Cancellation}), releasing dependents ({@link DependencyRelease}) and settling parents
 * ({@link Subtasks}). Each is one named statement that can be pasted into psql.
 */
final class TaskStateSql {
  private TaskStateSql() {
  }

  /** The task (its live status, {@link LiveStatusSql}) and its live job, locked, for a cancel or a retry. */
  static final String LOCK_TASK = """
      SELECT (""" + LiveStatusSql.STATUS + """
      )::text AS status, j.id AS job_id, j.status::text AS job_status
        FROM tasks t
        LEFT JOIN queue_jobs j ON j.task_id = t.id AND j.status IN ('AVAILABLE', 'RUNNING')
       WHERE t.id = #{id} AND t.owner_id = #{owner_id}
         FOR UPDATE OF t
      """;

  /** Cancels a task that is not running, and its waiting job. */
  static final String CANCEL_WAITING = """
      WITH job AS (
        UPDATE queue_jobs SET status = 'CANCELLED', finished_at = now()
         WHERE task_id = #{id} AND status = 'AVAILABLE'
      )
      UPDATE tasks SET status = 'CANCELLED', completed_at = now() WHERE id = #{id}
      """;

  /** Records the cancel request on the running job, and announces it to whoever holds the job. */
  static final String REQUEST_CANCEL = """
      WITH requested AS (
        UPDATE queue_jobs SET cancel_requested_at = coalesce(cancel_requested_at, now())
         WHERE id = #{job_id} AND status = 'RUNNING'
        RETURNING id
      )
      SELECT pg_notify(#{channel}, id::text) FROM requested
      """;

  /** Queues a failed or cancelled task again. */
  static final String REQUEUE = """
      UPDATE tasks SET status = 'QUEUED', completed_at = NULL WHERE id = #{id} RETURNING *
      """;

  /**
   * How many of the given tasks are not completed yet. FOR SHARE holds them until our commit, so a
   * dependency completing meanwhile waits for us and then sees the new task as its dependent.
   */
  static final String UNFINISHED = """
      SELECT count(*) AS unfinished FROM (
        SELECT id FROM tasks
         WHERE owner_id = #{owner_id} AND id = ANY (#{ids}::uuid[]) AND status <> 'COMPLETED'
           FOR SHARE
      ) pending
      """;

  /**
   * Wakes the queue's dispatchers, as a statement of its own: its commit does not wait for the disk
   * (synchronous_commit off for this transaction only), so it holds the notification queue's lock
   * for a moment, not for an fsync.
   */
  static final String ANNOUNCE = """
      SELECT set_config('synchronous_commit', 'off', true), pg_notify(#{channel}, #{queue})
      """;

  /** Of the tasks a new one requires, one that already failed or was cancelled. */
  static final String FAILED_REQUIREMENT = """
      SELECT id FROM tasks
       WHERE owner_id = #{owner_id} AND id = ANY (#{ids}::uuid[]) AND status IN ('FAILED', 'CANCELLED')
       LIMIT 1
      """;

  /** The result of a task that failed before it started, naming the requirement. */
  static final String EXPLAIN_FAILURE = """
      WITH failed AS (UPDATE tasks SET completed_at = now() WHERE id = #{id})
      INSERT INTO task_results (task_id, status, summary)
      VALUES (#{id}, 'FAILURE', 'required task ' || #{required}::uuid || ' has failed or was cancelled; this task cannot run')
      """;

  /** The lock of a task family: one statement deciding an end from subtasks at a time. */
  static final String LOCK_FAMILY =
      "SELECT pg_advisory_xact_lock(hashtextextended('taskforge.subtasks:' || #{id}::uuid::text, 0))";

  /**
   * The parent of a task (NULL when it has none). By key only: with {@code parent_id IS NOT NULL}
   * beside the key, the generic plan of this statement (it runs at every job's end) walked the
   * whole partial index of subtasks (tasks_parent_idx) instead: 353 buffers and 1.7 ms with 551
   * subtasks in the database, growing with them.
   */
  static final String PARENT_OF = "SELECT parent_id FROM tasks WHERE id = #{id}";

  /**
   * Ends a task whose own run is done (its job COMPLETED, none waiting or running) once no subtask
   * is left unfinished. Returns the new status, or no row when it is not ready.
   */
  static final String SETTLE = """
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

  /** The BLOCKED dependents of a task left with nothing unfinished to wait for, locked. */
  static final String READY_DEPENDENTS = """
      SELECT t.* FROM tasks t
        JOIN task_dependencies d ON d.task_id = t.id
       WHERE d.depends_on_id = #{task_id} AND d.type IN ('BLOCKS', 'REQUIRES') AND t.status = 'BLOCKED'
         AND NOT EXISTS (
               SELECT 1 FROM task_dependencies d2 JOIN tasks u ON u.id = d2.depends_on_id
                WHERE d2.task_id = t.id AND d2.type IN ('BLOCKS', 'REQUIRES') AND u.status <> 'COMPLETED')
         FOR UPDATE OF t
      """;

  /** Queues a dependent. */
  static final String QUEUE = "UPDATE tasks SET status = 'QUEUED' WHERE id = #{id} RETURNING *";

  /**
   * Fails the tasks that require any of #{task_ids}, each of which failed or was cancelled (as its
   * element of #{hows} says), naming the one they required; answers them.
   */
  static final String FAIL_REQUIRING_ANY = """
      WITH ended AS (
        SELECT * FROM unnest(#{task_ids}::uuid[], #{hows}::text[]) AS e (task_id, how)
      ), failed AS (
        UPDATE tasks t SET status = 'FAILED', completed_at = now()
          FROM task_dependencies d JOIN ended e ON e.task_id = d.depends_on_id
         WHERE d.task_id = t.id AND d.type = 'REQUIRES' AND t.status IN ('PENDING', 'BLOCKED')
        RETURNING t.id, e.task_id AS required_id, e.how
      )
      INSERT INTO task_results (task_id, status, summary)
      SELECT id, 'FAILURE', 'required task ' || required_id::text || ' ' || how || '; this task cannot run'
        FROM failed
      RETURNING task_id
      """;

}
