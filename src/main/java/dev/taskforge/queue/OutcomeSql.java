package dev.taskforge.queue;

/**
 * How an attempt ends, each in one statement and only while the worker still holds the job: the
 * job, its attempt, its execution, its task (and, on success, its result) change together.
 */
final class OutcomeSql {
  private OutcomeSql() {
  }

  static final String COMPLETE = """
      WITH job AS (
        UPDATE queue_jobs
           SET status = 'COMPLETED', finished_at = now(), lease_owner = NULL, lease_expires_at = NULL
         WHERE id = #{job_id} AND status = 'RUNNING' AND lease_owner = #{worker}
        RETURNING id, task_id
      ), attempt AS (
        UPDATE job_attempts SET finished_at = now(), outcome = 'COMPLETED'
         WHERE job_id IN (SELECT id FROM job) AND finished_at IS NULL
      ), execution AS (
        UPDATE task_executions e
           SET status = 'COMPLETED', completed_at = now(), progress = 1, exit_code = #{exit_code},
               session_id = #{session_id}, process_id = #{process_id}
          FROM job
         WHERE e.id = #{execution_id} AND e.job_id = job.id
        RETURNING e.id, e.task_id, e.started_at
      ), result AS (
        INSERT INTO task_results (task_id, execution_id, status, summary, execution_time_ms, tokens_used, input_tokens,
                                  output_tokens, cache_creation_tokens, cache_read_tokens, cost_estimate, session_id,
                                  num_turns)
        SELECT x.task_id, x.id, 'SUCCESS', #{summary},
               (extract(epoch FROM now() - coalesce(x.started_at, now())) * 1000)::bigint,
               #{tokens_used}, #{input_tokens}, #{output_tokens}, #{cache_creation_tokens}, #{cache_read_tokens},
               #{cost}, #{session_id}, #{num_turns}
          FROM execution x
        RETURNING id
      ), task AS (
        -- The task itself ends in Subtasks.settle: at once, or when its last subtask does.
        UPDATE tasks t
           SET actual_duration = extract(epoch FROM now() - coalesce(x.started_at, now()))::int
          FROM execution x
         WHERE t.id = x.task_id
      )
      SELECT job.id, (SELECT id FROM result) AS result_id,
             (SELECT extract(epoch FROM now() - coalesce(started_at, now()))::float8 FROM execution) AS ran_seconds
        FROM job
      """;

  /**
   * A failed attempt. A retryable failure with attempts left puts the job back after its backoff
   * (FIXED, or EXPONENTIAL with jitter, capped); otherwise the job and the task fail for good.
   */
  static final String FAIL = """
      WITH job AS (
        UPDATE queue_jobs j
           SET status = CASE WHEN #{cancelled} THEN 'CANCELLED'::job_status
                             WHEN #{retryable} AND j.attempt < j.max_attempts THEN 'AVAILABLE'
                             ELSE 'FAILED' END,
               run_at = CASE WHEN #{retryable} AND j.attempt < j.max_attempts
                             THEN now() + interval '1 millisecond' * CASE j.backoff_type
                                    WHEN 'FIXED' THEN j.backoff_delay_ms
                                    ELSE least(j.backoff_max_ms, j.backoff_delay_ms * power(2, j.attempt - 1))
                                         * (0.75 + random() * 0.5) END
                             ELSE j.run_at END,
               finished_at = CASE WHEN #{retryable} AND j.attempt < j.max_attempts THEN NULL ELSE now() END,
               lease_owner = NULL, lease_expires_at = NULL, last_error = #{error_message}
         WHERE j.id = #{job_id} AND j.status = 'RUNNING' AND j.lease_owner = #{worker}
        RETURNING j.id, j.task_id, j.status
      ), attempt AS (
        UPDATE job_attempts SET finished_at = now(), outcome = #{outcome}::attempt_outcome,
                                error_message = #{error_message}, error_code = #{error_code}
         WHERE job_id IN (SELECT id FROM job) AND finished_at IS NULL
      ), execution AS (
        UPDATE task_executions e
           SET status = #{execution_status}::execution_status, completed_at = now(), exit_code = #{exit_code},
               error_message = #{error_message}, error_code = #{error_code}, stack_trace = #{stack_trace}
          FROM job
         WHERE e.id = #{execution_id} AND e.job_id = job.id
        RETURNING e.started_at
      ), task AS (
        UPDATE tasks t
           SET status = CASE job.status WHEN 'FAILED' THEN 'FAILED'::task_status
                                        WHEN 'CANCELLED' THEN 'CANCELLED' ELSE 'QUEUED' END,
               completed_at = CASE WHEN job.status IN ('FAILED', 'CANCELLED') THEN now() END
          FROM job
         WHERE t.id = job.task_id
      )
      SELECT id, status::text,
             (SELECT extract(epoch FROM now() - coalesce(started_at, now()))::float8 FROM execution) AS ran_seconds
        FROM job
      """;
}
