package dev.taskforge.metrics;

/**
 * The SQL answering metric queries. Raw points and rollups are read through the same alias
 * {@code s} — a system_metrics row and a metric_series row share the label columns — so the label
 * picked for grouping and the filters are written once. Results come unordered (the caller orders
 * them), which leaves PostgreSQL free to aggregate by hashing. Each statement is scoped in SQL: an admin
 * reads every series, anyone else only those of executions of their own tasks.
 */
final class MetricQuerySql {
  private MetricQuerySql() {
  }

  /** The series label grouped by; null (one series) when not grouping. */
  private static final String LABEL = """
      CASE #{group_by}::text WHEN 'queue' THEN s.queue_name
                             WHEN 'worker' THEN s.worker_id
                             WHEN 'tag' THEN s.tags ->> #{tag_key}::text END""";

  private static final String STEP_OF = "date_bin(make_interval(secs => #{step}::int), %s, TIMESTAMPTZ 'epoch')";

  private static final String FILTERS = """
         AND s.metric_name = #{name}
         AND (#{queue}::text IS NULL OR s.queue_name = #{queue}::text)
         AND (#{worker}::text IS NULL OR s.worker_id = #{worker}::text)
         AND (#{admin}::boolean OR EXISTS (SELECT 1 FROM task_executions e JOIN tasks t ON t.id = e.task_id
                                            WHERE e.id = s.execution_id AND t.owner_id = #{user_id}::uuid))
         AND (#{task_id}::uuid IS NULL OR EXISTS (SELECT 1 FROM task_executions e
                                                   WHERE e.id = s.execution_id AND e.task_id = #{task_id}::uuid))
         AND (#{project_id}::uuid IS NULL OR EXISTS (SELECT 1 FROM task_executions e JOIN tasks t ON t.id = e.task_id
                                                      WHERE e.id = s.execution_id AND t.project_id = #{project_id}::uuid))
      """;

  private static final String RAW_ROWS = """
        FROM system_metrics s
       WHERE s.recorded_at >= #{from} AND s.recorded_at < #{to}
      """ + FILTERS;

  /**
   * Each chosen series' rows are read by a range of the primary key. (OFFSET 0 keeps the subquery
   * per series: left to itself the planner scans the whole time range of every series by the BRIN
   * index and joins, about twice as slow on a month of 50 series.)
   */
  private static final String ROLLUP_ROWS = """
        FROM metric_series s
       CROSS JOIN LATERAL (SELECT * FROM metric_rollups r
                            WHERE r.series_id = s.id AND r.resolution = #{resolution}::metric_resolution
                              AND r.bucket_start >= #{from} AND r.bucket_start < #{to}
                           OFFSET 0) r
       WHERE true
      """ + FILTERS;

  /** count, sum, min and max per label and step, from raw points. */
  static final String RAW_STATS = "SELECT " + LABEL + " AS label, " + STEP_OF.formatted("s.recorded_at") + """
       AS ts,
             count(*) AS samples, sum(s.value) AS total, min(s.value) AS low, max(s.value) AS high
      """ + RAW_ROWS + " GROUP BY 1, 2";

  /** The exact percentile (nearest rank) per label and step, from raw points. */
  static final String RAW_PERCENTILE = "SELECT " + LABEL + " AS label, " + STEP_OF.formatted("s.recorded_at") + """
       AS ts,
             percentile_disc(#{quantile}::float8) WITHIN GROUP (ORDER BY s.value) AS value
      """ + RAW_ROWS + " GROUP BY 1, 2";

  /** count, sum, min and max per label and step, merged from rollups. */
  static final String ROLLUP_STATS = "SELECT " + LABEL + " AS label, " + STEP_OF.formatted("r.bucket_start") + """
       AS ts,
             sum(r.sample_count) AS samples, sum(r.value_sum) AS total, min(r.value_min) AS low,
             max(r.value_max) AS high
      """ + ROLLUP_ROWS + " GROUP BY 1, 2";

  /**
   * The percentile per label and step from merged rollup histograms: bucket counts are added up
   * across rows, and the answer is the first bucket (in value order) at which the running count
   * reaches the quantile — the nearest rank, as over raw points, within a bucket's width —
   * kept within the step's true min and max.
   */
  static final String ROLLUP_PERCENTILE = "WITH picked AS MATERIALIZED (SELECT " + LABEL + " AS label, "
      + STEP_OF.formatted("r.bucket_start") + """
       AS ts,
             r.value_min, r.value_max, r.histogram
      """ + ROLLUP_ROWS + """
      ), cells AS (
        SELECT label, ts, h.key, sum(h.value::bigint) AS n
          FROM picked CROSS JOIN jsonb_each_text(picked.histogram) AS h
         GROUP BY 1, 2, 3
      ), ranked AS (
        SELECT label, ts, v, sum(n) OVER (PARTITION BY label, ts ORDER BY v) AS running,
               sum(n) OVER (PARTITION BY label, ts) AS total
          FROM (SELECT label, ts, metric_histogram_value(key) AS v, n FROM cells) valued
      ), chosen AS (
        SELECT DISTINCT ON (label, ts) label, ts, v FROM ranked WHERE running >= #{quantile}::float8 * total
         ORDER BY label, ts, v
      ), bounds AS (
        SELECT label, ts, min(value_min) AS low, max(value_max) AS high FROM picked GROUP BY 1, 2
      )
      SELECT c.label, c.ts, greatest(b.low, least(b.high, c.v)) AS value
        FROM chosen c JOIN bounds b ON b.label IS NOT DISTINCT FROM c.label AND b.ts = c.ts
      """;

  /** Every metric name with its kind, unit and number of series (an admin's view). */
  static final String ALL_NAMES = """
      SELECT s.metric_name, min(s.metric_type::text) AS metric_type, min(s.unit) AS unit, count(*) AS series
        FROM metric_series s
       GROUP BY s.metric_name
       ORDER BY s.metric_name
      """;

  /** The names of the series of an owner's executions, found from the executions (not every series). */
  static final String NAMES_OF_OWNER = """
      SELECT s.metric_name, min(s.metric_type::text) AS metric_type, min(s.unit) AS unit, count(*) AS series
        FROM tasks t
        JOIN task_executions e ON e.task_id = t.id
        JOIN metric_series s ON s.execution_id = e.id
       WHERE t.owner_id = #{user_id}
       GROUP BY s.metric_name
       ORDER BY s.metric_name
      """;
}
