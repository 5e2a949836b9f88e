package dev.taskforge.workflows;

/**
 * The SQL of workflow runs: starting one (its tasks, their dependencies and its steps, a statement
 * each for the whole run), reading it, and the engine's moves. Every statement carries the owner,
 * or works on runs it has locked.
 */
final class WorkflowRunSql {
  private WorkflowRunSql() {
  }

  /**
   * Counts a run of the owner's workflow and locks the workflow against edits until the run's
   * steps are written. No row when it is not theirs.
   */
  static final String COUNT_RUN = """
      UPDATE workflows SET execution_count = execution_count + 1
       WHERE id = #{workflow_id} AND owner_id = #{owner_id}
      RETURNING *
      """;

  static final String INSERT_RUN = """
      INSERT INTO workflow_executions (workflow_id, owner_id, status, trigger_type, triggered_by, context, total_tasks,
                                       started_at, workflow_version, trigger_id, trigger_key)
      VALUES (#{workflow_id}, #{owner_id}, 'RUNNING', #{trigger_type}, #{triggered_by}, #{context}, #{total_tasks},
              now(), #{workflow_version}, #{trigger_id}, #{trigger_key})
      RETURNING *
      """;

  /** One task per step of a run, ids chosen by the caller so dependencies can be written with them. */
  static final String INSERT_TASKS = """
      INSERT INTO tasks (id, owner_id, project_id, title, prompt, config, status, priority, tags, workflow_execution_id,
                         workflow_step_key)
      SELECT s.id, #{owner_id}, #{project_id}, s.title, s.prompt, s.config, s.status::task_status,
             s.priority::task_priority, ARRAY(SELECT jsonb_array_elements_text(s.tags)), #{run_id}, s.step_key
        FROM unnest(#{ids}::uuid[], #{titles}::text[], #{prompts}::text[], #{configs}::jsonb[], #{statuses}::text[],
                    #{priorities}::text[], #{tags}::jsonb[], #{step_keys}::text[])
               AS s (id, title, prompt, config, status, priority, tags, step_key)
      RETURNING *
      """;

  static final String INSERT_DEPENDENCIES = """
      INSERT INTO task_dependencies (task_id, depends_on_id, owner_id, type)
      SELECT d.task_id, d.depends_on_id, #{owner_id}, d.type::dependency_type
        FROM unnest(#{task_ids}::uuid[], #{depends_on_ids}::uuid[], #{types}::text[]) AS d (task_id, depends_on_id, type)
      """;

  static final String INSERT_STEPS = """
      INSERT INTO workflow_run_steps (run_id, owner_id, step_key, position, task_id, depends_on, prompt_template,
                                      condition, on_error, held, wait_for)
      SELECT #{run_id}, #{owner_id}, s.step_key, s.ord - 1, s.task_id, ARRAY(SELECT jsonb_array_elements_text(s.depends_on)),
             s.prompt_template, nullif(s.condition, 'null'::jsonb), s.on_error::step_error_policy, s.held,
             nullif(s.wait_for, 'null'::jsonb)
        FROM unnest(#{step_keys}::text[], #{task_ids}::uuid[], #{depends_on}::jsonb[], #{prompt_templates}::text[],
                    #{conditions}::jsonb[], #{on_errors}::text[], #{held}::boolean[], #{wait_fors}::jsonb[])
               WITH ORDINALITY AS s (step_key, task_id, depends_on, prompt_template, condition, on_error, held, wait_for,
                                     ord)
      """;

  static final String RUN = "SELECT * FROM workflow_executions WHERE id = #{id} AND owner_id = #{owner_id}";

  /** The owner's run, locked against the engine and other requests until the transaction ends. */
  static final String LOCK_RUN = """
      SELECT * FROM workflow_executions WHERE id = #{id} AND owner_id = #{owner_id} FOR UPDATE
      """;

  /** Newest first, keyset-paged like the workflows themselves. */
  static final String RUNS_PAGE = """
      SELECT * FROM workflow_executions
       WHERE workflow_id = #{workflow_id} AND owner_id = #{owner_id}
         AND (#{after_created}::timestamptz IS NULL
              OR created_at < #{after_created}::timestamptz
              OR (created_at = #{after_created}::timestamptz AND id > #{after_id}::uuid))
       ORDER BY created_at DESC, id
       LIMIT #{limit}
      """;

  /**
   * A run's steps as they stand: the step, its task's status, whether its job is running now (a
   * running task's row may still say QUEUED), whether it failed after running (a job of it FAILED
   * or CANCELLED, unlike a task failed because a task it requires did), and its latest result.
   */
  static final String STEP_STATES = """
      SELECT s.*, t.status::text AS task_status,
             EXISTS (SELECT 1 FROM queue_jobs j WHERE j.task_id = t.id AND j.status = 'RUNNING') AS running,
             EXISTS (SELECT 1 FROM queue_jobs j WHERE j.task_id = t.id AND j.status IN ('FAILED', 'CANCELLED')) AS ran_and_failed,
             r.summary, r.output
        FROM workflow_run_steps s
        JOIN tasks t ON t.id = s.task_id
        LEFT JOIN LATERAL (SELECT summary, output FROM task_results
                            WHERE task_id = t.id ORDER BY created_at DESC LIMIT 1) r ON true
       WHERE s.run_id = #{run_id} AND s.owner_id = #{owner_id}
       ORDER BY s.position
      """;

  /**
   * Runs that have something for the engine to do, oldest change first: every step's task has
   * ended, a held step has nothing left to wait for, or a step whose failure ends the run has
   * failed. Each test reads a run's tasks of the statuses it asks about only (tasks_workflow_run_status_idx),
   * so a live run costs a few index probes, not a walk over its steps. Read without locks; the
   * engine then takes each with {@link #LOCK_LIVE_RUN}.
   */
  static final String ACTIONABLE_RUNS = """
      SELECT r.id, r.owner_id FROM workflow_executions r
       WHERE r.status IN ('PENDING', 'RUNNING')
         AND (NOT EXISTS (SELECT 1 FROM tasks t
                           WHERE t.workflow_execution_id = r.id AND t.status IN ('PENDING', 'BLOCKED', 'QUEUED', 'RUNNING'))
              OR EXISTS (SELECT 1 FROM tasks t JOIN workflow_run_steps s ON s.task_id = t.id
                          WHERE t.workflow_execution_id = r.id AND t.status = 'PENDING' AND s.held
                            AND s.wait_state IS DISTINCT FROM 'WAITING'
                            AND NOT EXISTS (SELECT 1 FROM workflow_run_steps d JOIN tasks u ON u.id = d.task_id
                                             WHERE d.run_id = r.id AND d.step_key = ANY (s.depends_on)
                                               AND u.status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED')))
              OR EXISTS (SELECT 1 FROM tasks t JOIN workflow_run_steps s ON s.task_id = t.id
                          WHERE t.workflow_execution_id = r.id AND t.status IN ('FAILED', 'CANCELLED')
                            AND s.on_error <> 'CONTINUE'
                            AND EXISTS (SELECT 1 FROM queue_jobs j
                                         WHERE j.task_id = t.id AND j.status IN ('FAILED', 'CANCELLED'))))
       ORDER BY r.updated_at
       LIMIT #{limit}
      """;

  /**
   * One run for this instance's engine, if it is still live and no other instance (or request)
   * holds it: the lock keeps each run moved by one transaction at a time, and SKIP LOCKED keeps
   * the engines of several instances from queueing up behind each other.
   */
  static final String LOCK_LIVE_RUN = """
      SELECT id FROM workflow_executions
       WHERE id = #{id} AND owner_id = #{owner_id} AND status IN ('PENDING', 'RUNNING')
         FOR UPDATE SKIP LOCKED
      """;

  /** A held step's task gets its final prompt and joins its queue (the caller enqueues it). */
  static final String RELEASE = """
      UPDATE tasks SET prompt = #{prompt}, status = 'QUEUED'
       WHERE id = #{task_id} AND status = 'PENDING'
      RETURNING *
      """;

  /** A held step whose condition does not hold ends COMPLETED without running, marked skipped. */
  static final String SKIP = """
      WITH skipped AS (
        UPDATE workflow_run_steps SET skipped = true, released_at = now()
         WHERE run_id = #{run_id} AND task_id = #{task_id}
      )
      UPDATE tasks SET status = 'COMPLETED', completed_at = now()
       WHERE id = #{task_id} AND status = 'PENDING'
      """;

  /** A held step whose dependencies have ended and whose condition holds starts waiting for its url. */
  static final String START_WAIT = """
      UPDATE workflow_run_steps SET wait_state = 'WAITING', wait_since = now()
       WHERE run_id = #{run_id} AND task_id = #{task_id} AND wait_state IS NULL
      """;

  /** A wait that ran out fails its step's task, with a result saying so (the caller fails its dependents). */
  static final String FAIL_WAIT = """
      WITH failed AS (
        UPDATE tasks SET status = 'FAILED', completed_at = now()
         WHERE id = #{task_id} AND status = 'PENDING'
        RETURNING id
      )
      INSERT INTO task_results (task_id, status, summary)
      SELECT id, 'FAILURE', #{summary} FROM failed
      """;

  /**
   * Waits of live runs due a check, claimed by writing the check's time (the caller commits before
   * asking), so another instance does not ask the same url meanwhile.
   */
  static final String CLAIM_WAIT_CHECKS = """
      UPDATE workflow_run_steps s SET wait_checked_at = now(), wait_checks = s.wait_checks + 1
       WHERE (s.run_id, s.step_key) IN (
               SELECT w.run_id, w.step_key FROM workflow_run_steps w
                 JOIN workflow_executions r ON r.id = w.run_id AND r.status = 'RUNNING'
                WHERE w.wait_state = 'WAITING'
                  AND (w.wait_checked_at IS NULL OR w.wait_checked_at
                       <= now() - make_interval(secs => coalesce((w.wait_for->>'intervalSeconds')::int, 30)))
                ORDER BY w.wait_checked_at NULLS FIRST
                LIMIT #{limit}
                  FOR UPDATE OF w SKIP LOCKED)
      RETURNING s.run_id, s.step_key, s.wait_for, s.wait_since
      """;

  static final String RECORD_WAIT_CHECK = """
      UPDATE workflow_run_steps SET wait_state = #{state}, wait_result = #{result}
       WHERE run_id = #{run_id} AND step_key = #{step_key} AND wait_state = 'WAITING'
      """;

  static final String MARK_RELEASED = """
      UPDATE workflow_run_steps SET released_at = now() WHERE run_id = #{run_id} AND task_id = #{task_id}
      """;

  /**
   * The first half of stopping a run: its waiting jobs cancelled. A job a dispatcher holds is
   * locked by its claim and left out; the second half asks its holder to stop it.
   */
  static final String CANCEL_WAITING_JOBS = """
      UPDATE queue_jobs j SET status = 'CANCELLED', finished_at = now()
        FROM tasks t
       WHERE j.task_id = t.id AND t.workflow_execution_id = #{run_id} AND t.owner_id = #{owner_id}
         AND j.status = 'AVAILABLE'
      RETURNING j.task_id
      """;

  /** The run's tasks that have not started (and hold no running job) end CANCELLED. */
  static final String CANCEL_WAITING_TASKS = """
      UPDATE tasks t SET status = 'CANCELLED', completed_at = now()
       WHERE t.workflow_execution_id = #{run_id} AND t.owner_id = #{owner_id}
         AND t.status IN ('PENDING', 'BLOCKED', 'QUEUED')
         AND NOT EXISTS (SELECT 1 FROM queue_jobs j WHERE j.task_id = t.id AND j.status = 'RUNNING')
      """;

  /** Asks whichever instance runs each of the run's running jobs to stop it (see queue.Cancellation). */
  static final String ANNOUNCE_RUNNING = """
      SELECT pg_notify(#{channel}, j.id::text)
        FROM queue_jobs j JOIN tasks t ON t.id = j.task_id
       WHERE t.workflow_execution_id = #{run_id} AND t.owner_id = #{owner_id} AND j.status = 'RUNNING'
      """;

  /** A live run reaches its end, with its counts as its steps' tasks stand; an ended one is left as it is. */
  static final String FINISH = """
      UPDATE workflow_executions r
         SET status = #{status}::workflow_execution_status, error_message = #{error_message},
             completed_at = now(),
             completed_tasks = (SELECT count(*) FROM workflow_run_steps s JOIN tasks t ON t.id = s.task_id
                                 WHERE s.run_id = r.id AND t.status = 'COMPLETED' AND NOT s.skipped),
             failed_tasks = (SELECT count(*) FROM workflow_run_steps s JOIN tasks t ON t.id = s.task_id
                              WHERE s.run_id = r.id AND t.status = 'FAILED')
       WHERE r.id = #{run_id} AND r.owner_id = #{owner_id} AND r.status IN ('PENDING', 'RUNNING')
      RETURNING *
      """;

  static final String COUNT_SUCCESS = """
      UPDATE workflows SET success_count = success_count + 1 WHERE id = #{workflow_id} AND owner_id = #{owner_id}
      """;

  /**
   * A retry: the run's failed and cancelled steps go back to waiting — a held one for the engine
   * (PENDING), one whose every dependency has completed straight to its queue (QUEUED; the caller
   * enqueues it), any other for the queue's own release (BLOCKED). Completed and skipped steps stay.
   */
  static final String RESET_FAILED = """
      WITH reset AS (
        UPDATE workflow_run_steps s SET released_at = NULL, wait_state = NULL, wait_since = NULL
          FROM tasks t
         WHERE t.id = s.task_id AND s.run_id = #{run_id} AND s.owner_id = #{owner_id}
           AND t.status IN ('FAILED', 'CANCELLED')
        RETURNING s.task_id, s.held, s.depends_on
      )
      UPDATE tasks t
         SET status = CASE
               WHEN reset.held THEN 'PENDING'
               WHEN NOT EXISTS (SELECT 1 FROM workflow_run_steps d JOIN tasks u ON u.id = d.task_id
                                 WHERE d.run_id = #{run_id} AND d.step_key = ANY (reset.depends_on)
                                   AND u.status <> 'COMPLETED') THEN 'QUEUED'
               ELSE 'BLOCKED' END::task_status,
             completed_at = NULL, started_at = NULL
        FROM reset
       WHERE t.id = reset.task_id
      RETURNING t.*
      """;

  static final String REOPEN = """
      UPDATE workflow_executions
         SET status = 'RUNNING', completed_at = NULL, error_message = NULL, completed_tasks = 0, failed_tasks = 0
       WHERE id = #{run_id} AND owner_id = #{owner_id}
      RETURNING *
      """;
}
