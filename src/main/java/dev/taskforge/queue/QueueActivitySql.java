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

  /**
   * One point per attempt started (its wait) and per attempt finished (its run time). An attempt is
   * the execution a claim created: started when it was created, finished when it was completed.
   */
  static final String JOB_POINTS = """
      INSERT INTO system_metrics (recorded_at, metric_type, metric_name, value, unit, worker_id, queue_name)
      SELECT e.created_at, 'TIMER'::metric_type, 'queue.wait_time', greatest(0, extract(epoch FROM e.created_at - j.run_at))::float8,
             'seconds', e.worker_id, j.queue_name
        FROM task_executions e JOIN queue_jobs j ON j.id = e.job_id
       WHERE e.created_at > #{since} AND e.created_at <= #{upto}
      UNION ALL
      SELECT e.completed_at, 'TIMER', 'queue.run_time', extract(epoch FROM e.completed_at - e.created_at)::float8,
             'seconds', e.worker_id, j.queue_name
        FROM task_executions e JOIN queue_jobs j ON j.id = e.job_id
       WHERE e.completed_at > #{since} AND e.completed_at <= #{upto}
      """;

  /** Per queue, what its attempts did in (since, upto]; cancelled attempts count as neither outcome. */
  static final String ACTIVITY = """
      SELECT j.queue_name,
             count(*) FILTER (WHERE e.created_at > #{since} AND e.created_at <= #{upto}) AS started,
             count(*) FILTER (WHERE e.completed_at > #{since} AND e.completed_at <= #{upto}
                              AND e.status = 'COMPLETED') AS completed,
             count(*) FILTER (WHERE e.completed_at > #{since} AND e.completed_at <= #{upto}
                              AND e.status IN ('FAILED', 'LOST', 'TIMED_OUT')) AS failed,
             1000 * avg(extract(epoch FROM e.created_at - j.run_at))
                    FILTER (WHERE e.created_at > #{since} AND e.created_at <= #{upto}) AS avg_wait_ms,
             1000 * percentile_cont(0.95) WITHIN GROUP (ORDER BY greatest(0, extract(epoch FROM e.created_at - j.run_at)))
                    FILTER (WHERE e.created_at > #{since} AND e.created_at <= #{upto}) AS p95_wait_ms,
             1000 * avg(extract(epoch FROM e.completed_at - e.created_at))
                    FILTER (WHERE e.completed_at > #{since} AND e.completed_at <= #{upto}) AS avg_run_ms
        FROM task_executions e JOIN queue_jobs j ON j.id = e.job_id
       WHERE (e.created_at > #{since} AND e.created_at <= #{upto})
          OR (e.completed_at > #{since} AND e.completed_at <= #{upto})
       GROUP BY j.queue_name
      """;
}
