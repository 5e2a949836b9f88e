package dev.taskforge.metrics;

/** The SQL of the metric time series. */
final class MetricSql {
  private MetricSql() {
  }

  static final String INSERT_BATCH = """
      INSERT INTO system_metrics (recorded_at, metric_type, metric_name, value, unit, execution_id, worker_id,
                                  queue_name, tags)
      SELECT m.recorded_at, m.metric_type::metric_type, m.metric_name, m.value, m.unit, m.execution_id, m.worker_id,
             m.queue_name, coalesce(nullif(m.tags, 'null'::jsonb), '{}')
        FROM unnest(#{recorded_ats}::timestamptz[], #{types}::text[], #{names}::text[], #{values}::float8[],
                    #{units}::text[], #{execution_ids}::uuid[], #{worker_ids}::text[], #{queue_names}::text[],
                    #{tags}::jsonb[])
             AS m (recorded_at, metric_type, metric_name, value, unit, execution_id, worker_id, queue_name, tags)
      """;

  /** Raw samples of one metric in a time range (operational data: for admins). */
  static final String SERIES = """
      SELECT * FROM system_metrics
       WHERE metric_name = #{name} AND recorded_at >= #{from} AND recorded_at < #{to}
       ORDER BY recorded_at, id
      """;

  static final String OF_EXECUTION = """
      SELECT m.* FROM system_metrics m
        JOIN task_executions e ON e.id = m.execution_id
        JOIN tasks t ON t.id = e.task_id AND t.owner_id = #{owner_id}
       WHERE m.execution_id = #{execution_id}
       ORDER BY m.recorded_at, m.id
      """;
}
