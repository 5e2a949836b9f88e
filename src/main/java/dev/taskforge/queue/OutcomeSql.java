package dev.taskforge.queue;

/**
 * How an attempt ends, each in one statement and only while the worker still holds the job: the
 * job, its attempt, its execution, its task (and, on success, its result) change together. Each
 * statement sets updated_at (and a task's version) to what the row triggers would (V17), so that
 * their WHEN skips the PL/pgSQL call: two or three calls per attempt otherwise.
 */
final class OutcomeSql {
  private OutcomeSql() {
  }

  /**
   * Completes many attempts in one statement, each only while {@code #{worker}} still holds its
   * job (a job reaped or completed meanwhile is left alone and is missing from the answer): the
   * job, its attempt (its execution), its result and its task change together. A task with no
   * parent and no subtask ends here, COMPLETED with its run time; any other is stored RUNNING (the
   * claim left it QUEUED: its job said it ran) and is settled by {@link Subtasks} in the same
   * transaction (settled = false in the answer). This is the one write of the task's row per job.
   * The arrays are parallel: element i of each describes the i-th completion.
   */
  static final String COMPLETE_MANY = """
      WITH done AS (
        SELECT * FROM unnest(#{job_ids}::bigint[], #{execution_ids}::uuid[], #{exit_codes}::int[],
                             #{process_ids}::text[], #{summaries}::text[], #{session_ids}::text[],
                             #{tokens_used}::bigint[], #{input_tokens}::bigint[], #{output_tokens}::bigint[],
                             #{cache_creation_tokens}::bigint[], #{cache_read_tokens}::bigint[], #{costs}::text[]::numeric[],
                             #{num_turns}::int[])
               AS d (job_id, execution_id, exit_code, process_id, summary, session_id, tokens_used, input_tokens,
                     output_tokens, cache_creation_tokens, cache_read_tokens, cost, num_turns)
      ), job AS (
        UPDATE queue_jobs j
           SET status = 'COMPLETED', finished_at = now(), lease_owner = NULL, lease_expires_at = NULL,
               updated_at = now()
          FROM done d
         WHERE j.id = d.job_id AND j.lease_owner = #{worker} AND j.lease_expires_at IS NOT NULL
        RETURNING j.id, j.task_id, j.processed_at
      ), locked AS (
        -- The executions locked in id order, as a log flush locks its own: updated in whatever
        -- order the plan visits them, a batch could hold one a flush waited for while waiting for
        -- one the flush held (PostgreSQL aborts one of the two after a second).
        SELECT e.id FROM task_executions e JOIN job ON e.job_id = job.id ORDER BY e.id FOR UPDATE OF e
      ), execution AS (
        UPDATE task_executions e
           SET status = 'COMPLETED', completed_at = now(), progress = 1, exit_code = d.exit_code,
               session_id = d.session_id, process_id = d.process_id, updated_at = now()
          FROM job JOIN done d ON d.job_id = job.id
         WHERE e.id = d.execution_id AND e.job_id = job.id AND e.id IN (SELECT id FROM locked)
        RETURNING e.id, e.task_id, e.job_id, e.started_at, job.processed_at
      ), result AS (
        INSERT INTO task_results (task_id, execution_id, status, summary, execution_time_ms, tokens_used, input_tokens,
                                  output_tokens, cache_creation_tokens, cache_read_tokens, cost_estimate, session_id,
                                  num_turns)
        SELECT x.task_id, x.id, 'SUCCESS', d.summary,
               (extract(epoch FROM now() - coalesce(x.started_at, now())) * 1000)::bigint,
               d.tokens_used, d.input_tokens, d.output_tokens, d.cache_creation_tokens, d.cache_read_tokens, d.cost,
               d.session_id, d.num_turns
          FROM execution x JOIN done d ON d.execution_id = x.id
        RETURNING id, execution_id
      ), ending AS MATERIALIZED (
        -- Materialized: whether a task is plain is found once, not once per use below.
        SELECT x.task_id, x.started_at, x.processed_at,
               t.status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED') AND t.parent_id IS NULL
                 AND NOT EXISTS (SELECT 1 FROM tasks s WHERE s.parent_id = t.id) AS plain
          FROM execution x JOIN tasks t ON t.id = x.task_id
      ), task AS (
        UPDATE tasks t
           SET actual_duration = extract(epoch FROM now() - coalesce(e.started_at, now()))::int,
               status = CASE WHEN e.plain THEN 'COMPLETED'::task_status
                             WHEN t.status IN ('COMPLETED', 'FAILED', 'CANCELLED') THEN t.status ELSE 'RUNNING' END,
               completed_at = CASE WHEN e.plain THEN now() ELSE t.completed_at END,
               started_at = coalesce(t.started_at, e.processed_at),
               version = t.version + 1, updated_at = now()
          FROM ending e
         WHERE t.id = e.task_id
        RETURNING t.id, e.plain
      )
      SELECT x.job_id, x.task_id, r.id AS result_id, t.plain AS settled,
             extract(epoch FROM now() - coalesce(x.started_at, now()))::float8 AS ran_seconds
        FROM execution x
        JOIN result r ON r.execution_id = x.id
        JOIN task t ON t.id = x.task_id
      """;

  /**
   * Of the given tasks, which some task waits on (BLOCKS or REQUIRES). Run after the tasks were
   * marked COMPLETED, in a statement of its own: a dependent created concurrently either committed
   * before (and is seen here) or waited on the completed task's row and saw it COMPLETED.
   */
  static final String WITH_DEPENDENTS = """
      SELECT DISTINCT depends_on_id AS task_id FROM task_dependencies
       WHERE depends_on_id = ANY (#{task_ids}::uuid[]) AND type IN ('BLOCKS', 'REQUIRES')
      """;

  /**
   * Fails many attempts in one statement, each only while {@code #{worker}} still holds its job (a
   * job reaped or completed meanwhile is left alone and is missing from the answer). A retryable
   * failure with attempts left puts the job back after its backoff (FIXED, or EXPONENTIAL with
   * jitter, capped); otherwise the job and the task fail for good. An attempt of a job whose cancel
   * was requested ends CANCELLED, whatever its holder reports. The arrays are parallel: element i
   * of each describes the i-th failure. Each answered row carries the task's parent (a task's
   * parent never changes), so that only a task with one has its family looked at.
   */
  static final String FAIL_MANY = """
      WITH failed AS (
        SELECT * FROM unnest(#{job_ids}::bigint[], #{execution_ids}::uuid[], #{retryable}::bool[],
                             #{cancelled}::bool[], #{execution_statuses}::text[], #{error_messages}::text[],
                             #{error_codes}::text[], #{stack_traces}::text[], #{exit_codes}::int[])
               AS f (job_id, execution_id, retryable, cancelled, execution_status, error_message, error_code,
                     stack_trace, exit_code)
      ), job AS (
        UPDATE queue_jobs j
           SET status = CASE WHEN f.cancelled OR j.cancel_requested_at IS NOT NULL THEN 'CANCELLED'::job_status
                             WHEN f.retryable AND j.attempt < j.max_attempts THEN 'AVAILABLE'
                             ELSE 'FAILED' END,
               run_at = CASE WHEN f.retryable AND j.attempt < j.max_attempts AND j.cancel_requested_at IS NULL
                             THEN now() + interval '1 millisecond' * CASE j.backoff_type
                                    WHEN 'FIXED' THEN j.backoff_delay_ms
                                    ELSE least(j.backoff_max_ms, j.backoff_delay_ms * power(2, j.attempt - 1))
                                         * (0.75 + random() * 0.5) END
                             ELSE j.run_at END,
               finished_at = CASE WHEN f.retryable AND j.attempt < j.max_attempts AND j.cancel_requested_at IS NULL
                                  THEN NULL ELSE now() END,
               lease_owner = NULL, lease_expires_at = NULL, last_error = f.error_message, updated_at = now()
          FROM failed f
         WHERE j.id = f.job_id AND j.lease_owner = #{worker} AND j.lease_expires_at IS NOT NULL
        RETURNING j.id, j.task_id, j.status, j.processed_at
      ), locked AS (
        -- The executions locked in id order, as a log flush locks its own (see COMPLETE_MANY).
        SELECT e.id FROM task_executions e JOIN job ON e.job_id = job.id ORDER BY e.id FOR UPDATE OF e
      ), execution AS (
        UPDATE task_executions e
           SET status = CASE WHEN job.status = 'CANCELLED' THEN 'CANCELLED'
                             ELSE f.execution_status::execution_status END,
               completed_at = now(), exit_code = f.exit_code,
               error_message = f.error_message, error_code = f.error_code, stack_trace = f.stack_trace,
               updated_at = now()
          FROM job JOIN failed f ON f.job_id = job.id
         WHERE e.id = f.execution_id AND e.job_id = job.id AND e.id IN (SELECT id FROM locked)
        RETURNING e.job_id, e.started_at
      ), task AS (
        UPDATE tasks t
           SET status = CASE job.status WHEN 'FAILED' THEN 'FAILED'::task_status
                                        WHEN 'CANCELLED' THEN 'CANCELLED' ELSE 'QUEUED' END,
               completed_at = CASE WHEN job.status IN ('FAILED', 'CANCELLED') THEN now() END,
               started_at = coalesce(t.started_at, job.processed_at),
               version = t.version + 1, updated_at = now()
          FROM job
         WHERE t.id = job.task_id
        RETURNING t.id, t.parent_id
      )
      SELECT job.id, job.task_id, job.status::text, task.parent_id,
             extract(epoch FROM now() - coalesce(x.started_at, now()))::float8 AS ran_seconds
        FROM job
        LEFT JOIN task ON task.id = job.task_id
        LEFT JOIN execution x ON x.job_id = job.id
      """;

  /**
   * An attempt the agent gave up on because of its rate limit: the attempt and the execution end
   * FAILED with the limit's message, and the job goes back to wait until #{retry_at} (when the
   * limit resets) without the attempt counting against it (max_attempts grows by one, as a give
   * back does). A job whose cancel was requested ends CANCELLED instead.
   */
  static final String RETRY_AFTER_RATE_LIMIT = """
      WITH job AS (
        UPDATE queue_jobs j
           SET status = CASE WHEN j.cancel_requested_at IS NOT NULL THEN 'CANCELLED'::job_status ELSE 'AVAILABLE' END,
               run_at = CASE WHEN j.cancel_requested_at IS NOT NULL THEN j.run_at
                             ELSE greatest(#{retry_at}::timestamptz, now()) END,
               max_attempts = j.max_attempts + 1,
               finished_at = CASE WHEN j.cancel_requested_at IS NOT NULL THEN now() END,
               lease_owner = NULL, lease_expires_at = NULL, last_error = #{error_message}, updated_at = now()
         WHERE j.id = #{job_id} AND j.lease_owner = #{worker} AND j.lease_expires_at IS NOT NULL
        RETURNING j.id, j.task_id, j.status, j.processed_at
      ), execution AS (
        UPDATE task_executions e
           SET status = CASE WHEN job.status = 'CANCELLED' THEN 'CANCELLED' ELSE 'FAILED' END::execution_status,
               completed_at = now(), exit_code = #{exit_code},
               error_message = #{error_message}, error_code = #{error_code}, updated_at = now()
          FROM job
         WHERE e.id = #{execution_id} AND e.job_id = job.id
      ), task AS (
        UPDATE tasks t
           SET status = CASE job.status WHEN 'CANCELLED' THEN 'CANCELLED'::task_status ELSE 'QUEUED' END,
               completed_at = CASE WHEN job.status = 'CANCELLED' THEN now() END,
               started_at = coalesce(t.started_at, job.processed_at),
               version = t.version + 1, updated_at = now()
          FROM job
         WHERE t.id = job.task_id
      )
      SELECT id, status::text FROM job
      """;
}
