package dev.taskforge.queue;

/** The SQL of the queue sampler: where queues stand, what their jobs did since the last turn. */
final class QueueActivitySql {
  private QueueActivitySql() {
  }

  static final String DEPTH = """
      SELECT queue_name,
             count(*) FILTER (WHERE status = 'AVAILABLE' AND run_at <= now()) AS waiting,
             count(*) FILTER (WHERE status = 'AVAILABLE' AND run_at > now()) AS scheduled,
             count(*) FILTER (WHERE status = 'RUNNING') AS running,
             coalesce(extract(epoch FROM now() - min(run_at) FILTER (WHERE status = 'AVAILABLE' AND run_at <= now())),
                      0)::float8 AS oldest_wait
        FROM queue_jobs
       WHERE status IN ('AVAILABLE', 'RUNNING')
       GROUP BY queue_name
      """;

  /**
   * Takes this interval's turn, unless another instance took it less than min_gap seconds ago (the
   * very first turn makes the row, covering the last minute); the row stays locked until the turn's
   * transaction ends. Events are read up to a couple of seconds ago, so that transactions still
   * committing what they stamped are not passed over.
   */
  static final String TAKE_TURN = """
      INSERT INTO metric_samplers AS m (name, sampled_at, covered_until, instance_id)
      VALUES ('queues', now(), now() - interval '1 minute', #{instance})
      ON CONFLICT (name) DO UPDATE SET sampled_at = now(), instance_id = #{instance}
       WHERE m.sampled_at IS NULL OR m.sampled_at <= now() - make_interval(secs => #{min_gap}::float8)
      RETURNING m.covered_until AS since, greatest(m.covered_until, now() - interval '2 seconds') AS upto
      """;

  static final String END_TURN = "UPDATE metric_samplers SET covered_until = #{upto} WHERE name = 'queues'";

  /** One point per attempt started (its wait) and per attempt finished (its run time). */
  static final String JOB_POINTS = """
      INSERT INTO system_metrics (recorded_at, metric_type, metric_name, value, unit, worker_id, queue_name)
      SELECT a.started_at, 'TIMER'::metric_type, 'queue.wait_time', greatest(0, extract(epoch FROM a.started_at - j.run_at))::float8,
             'seconds', a.worker_id, j.queue_name
        FROM job_attempts a JOIN queue_jobs j ON j.id = a.job_id
       WHERE a.started_at > #{since} AND a.started_at <= #{upto}
      UNION ALL
      SELECT a.finished_at, 'TIMER', 'queue.run_time', extract(epoch FROM a.finished_at - a.started_at)::float8,
             'seconds', a.worker_id, j.queue_name
        FROM job_attempts a JOIN queue_jobs j ON j.id = a.job_id
       WHERE a.finished_at > #{since} AND a.finished_at <= #{upto}
      """;

  /** Per queue, what its attempts did in (since, upto]; cancelled attempts count as neither outcome. */
  static final String ACTIVITY = """
      SELECT j.queue_name,
             count(*) FILTER (WHERE a.started_at > #{since} AND a.started_at <= #{upto}) AS started,
             count(*) FILTER (WHERE a.finished_at > #{since} AND a.finished_at <= #{upto}
                              AND a.outcome = 'COMPLETED') AS completed,
             count(*) FILTER (WHERE a.finished_at > #{since} AND a.finished_at <= #{upto}
                              AND a.outcome IN ('FAILED', 'LOST', 'TIMED_OUT')) AS failed,
             1000 * avg(extract(epoch FROM a.started_at - j.run_at))
                    FILTER (WHERE a.started_at > #{since} AND a.started_at <= #{upto}) AS avg_wait_ms,
             1000 * percentile_cont(0.95) WITHIN GROUP (ORDER BY greatest(0, extract(epoch FROM a.started_at - j.run_at)))
                    FILTER (WHERE a.started_at > #{since} AND a.started_at <= #{upto}) AS p95_wait_ms,
             1000 * avg(extract(epoch FROM a.finished_at - a.started_at))
                    FILTER (WHERE a.finished_at > #{since} AND a.finished_at <= #{upto}) AS avg_run_ms
        FROM job_attempts a JOIN queue_jobs j ON j.id = a.job_id
       WHERE (a.started_at > #{since} AND a.started_at <= #{upto})
          OR (a.finished_at > #{since} AND a.finished_at <= #{upto})
       GROUP BY j.queue_name
      """;
}
