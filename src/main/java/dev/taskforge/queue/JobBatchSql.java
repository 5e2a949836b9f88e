package dev.taskforge.queue;

/** The SQL that queues many tasks' jobs at once; {@code #{channel}} is {@link Enqueuer#CHANNEL}. */
final class JobBatchSql {
  private JobBatchSql() {
  }

  /**
   * One job per row of the arrays, with the columns {@link QueueSql#NEW_JOB_COLUMNS}, and one
   * {@code pg_notify} per distinct queue among them: the jobs and their wake-ups commit together or
   * not at all, and a batch of a thousand jobs on one queue wakes the dispatchers once, not a
   * thousand times.
   */
  static final String ENQUEUE_ALL = "WITH queued AS (INSERT INTO queue_jobs (" + QueueSql.NEW_JOB_COLUMNS + ")\n" + """
        SELECT j.task_id, j.queue_name, j.priority, coalesce(j.run_at, now()), j.max_attempts,
               j.backoff_type::backoff_type, j.backoff_delay_ms, j.backoff_max_ms, j.timeout_seconds, j.job_data,
               nullif(j.job_options, 'null'::jsonb)
          FROM unnest(#{task_ids}::uuid[], #{queue_names}::text[], #{priorities}::int[], #{run_ats}::timestamptz[],
                      #{max_attempts}::int[], #{backoff_types}::text[], #{backoff_delays_ms}::int[],
                      #{backoff_maxes_ms}::int[], #{timeouts_seconds}::int[], #{job_data}::jsonb[],
                      #{job_options}::jsonb[])
               AS j (task_id, queue_name, priority, run_at, max_attempts, backoff_type, backoff_delay_ms,
                     backoff_max_ms, timeout_seconds, job_data, job_options)
        RETURNING queue_name
      )
      SELECT pg_notify(#{channel}, q.queue_name) FROM (SELECT DISTINCT queue_name FROM queued) AS q
      """;
}
