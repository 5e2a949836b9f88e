package dev.taskforge.queue;

/** The SQL of queue jobs and their attempts. Reads for users join through tasks to the owner. */
final class QueueSql {
  private QueueSql() {
  }

  /** The columns a new job's row is written with, the task's id first. */
  static final String NEW_JOB_COLUMNS = """
      task_id, queue_name, priority, run_at, max_attempts, backoff_type, backoff_delay_ms, backoff_max_ms,
      timeout_seconds, job_data, job_options""";

  /** The values of {@link #NEW_JOB_COLUMNS} after the task's id, as {@link NewJob#parameters} names them. */
  static final String NEW_JOB_VALUES_AFTER_TASK = """
      #{queue_name}, #{job_priority}, coalesce(#{run_at}, now()), #{max_attempts}, #{backoff_type}::backoff_type,
      #{backoff_delay_ms}, #{backoff_max_ms}, #{timeout_seconds}, #{job_data}, #{job_options}""";

  static final String ENQUEUE = "INSERT INTO queue_jobs (" + NEW_JOB_COLUMNS + ")\n"
      + "VALUES (#{task_id}, " + NEW_JOB_VALUES_AFTER_TASK + ")\nRETURNING *";

  static final String JOBS_OF_TASK = """
      SELECT j.* FROM queue_jobs j
        JOIN tasks t ON t.id = j.task_id AND t.owner_id = #{owner_id}
       WHERE j.task_id = #{task_id}
       ORDER BY j.id
      """;

  static final String ATTEMPTS_OF_JOB = """
      SELECT a.* FROM job_attempts a
        JOIN queue_jobs j ON j.id = a.job_id
        JOIN tasks t ON t.id = j.task_id AND t.owner_id = #{owner_id}
       WHERE a.job_id = #{job_id}
       ORDER BY a.attempt_number
      """;

  static final String RECORD_HEALTH = """
      INSERT INTO queue_health (queue_name, waiting, active, scheduled, failed, completed, throughput_per_minute,
                                avg_wait_ms, p95_wait_ms, avg_run_ms, oldest_waiting_age_ms, status, details)
      VALUES (#{queue_name}, #{waiting}, #{active}, #{scheduled}, #{failed}, #{completed}, #{throughput_per_minute},
              #{avg_wait_ms}, #{p95_wait_ms}, #{avg_run_ms}, #{oldest_waiting_age_ms},
              #{status}::queue_health_status, #{details})
      RETURNING *
      """;

  /**
   * The newest snapshot per queue, hopping from one queue name to the next along the
   * (queue_name, recorded_at) index rather than reading every snapshot kept (a month of them is
   * hundreds of thousands of rows per queue).
   */
  static final String LATEST_HEALTH = """
      WITH RECURSIVE queues AS (
        (SELECT queue_name FROM queue_health ORDER BY queue_name LIMIT 1)
        UNION ALL
        SELECT (SELECT h.queue_name FROM queue_health h WHERE h.queue_name > q.queue_name
                 ORDER BY h.queue_name LIMIT 1)
          FROM queues q WHERE q.queue_name IS NOT NULL
      )
      SELECT latest.* FROM queues q
       CROSS JOIN LATERAL (SELECT * FROM queue_health h WHERE h.queue_name = q.queue_name
                            ORDER BY h.recorded_at DESC, h.id DESC LIMIT 1) latest
       ORDER BY latest.queue_name
      """;

  /**
   * A user's own jobs that wait or run, per queue: the only queue figures a user who is not an
   * admin sees (everyone's counts would tell them how busy other users are).
   */
  static final String OWN_JOBS = """
      SELECT j.queue_name,
             count(*) FILTER (WHERE j.status = 'AVAILABLE' AND j.run_at <= now()) AS waiting,
             count(*) FILTER (WHERE j.status = 'AVAILABLE' AND j.run_at > now()) AS scheduled,
             count(*) FILTER (WHERE j.status = 'RUNNING') AS running
        FROM queue_jobs j
        JOIN tasks t ON t.id = j.task_id
       WHERE t.owner_id = #{owner_id}
         AND j.status IN ('AVAILABLE', 'RUNNING')
       GROUP BY j.queue_name
      """;

  /** Pauses a queue; pausing it again keeps the first pause's time and admin. */
  static final String PAUSE = """
      INSERT INTO queue_pauses (queue_name, paused_by) VALUES (#{queue}, #{admin_id})
      ON CONFLICT (queue_name) DO UPDATE SET queue_name = EXCLUDED.queue_name
      RETURNING paused_at
      """;

  /** Resumes a queue and wakes every dispatcher and waiting worker of it, at commit. */
  static final String RESUME = """
      WITH resumed AS (
        DELETE FROM queue_pauses WHERE queue_name = #{queue} RETURNING queue_name
      )
      SELECT pg_notify('taskforge_jobs', queue_name) FROM resumed
      """;

  static final String PAUSED = "SELECT * FROM queue_pauses ORDER BY queue_name";
}
