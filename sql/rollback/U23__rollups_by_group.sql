-- Reverses V23__rollups_by_group.sql: the roll-up as V7 wrote it.
CREATE OR REPLACE FUNCTION system_metrics_roll_up() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO metric_series (series_key, metric_name, metric_type, unit, execution_id, worker_id, queue_name, tags)
  SELECT DISTINCT ON (k) k, metric_name, metric_type, unit, execution_id, worker_id, queue_name, tags
    FROM (SELECT metric_series_key(metric_name, queue_name, worker_id, execution_id, tags) AS k, *
            FROM stored_points) p
   ORDER BY k
  ON CONFLICT (series_key) DO NOTHING;

  INSERT INTO metric_rollups AS r (series_id, resolution, bucket_start, sample_count, value_sum, value_min, value_max,
                                   histogram)
  SELECT series_id, resolution, bucket_start, sum(n), sum(total), min(low), max(high), jsonb_object_agg(bucket, n)
    FROM (SELECT s.id AS series_id, res.resolution,
                 date_trunc(lower(res.resolution::text), p.recorded_at, 'UTC') AS bucket_start,
                 metric_histogram_key(p.value) AS bucket,
                 count(*) AS n, sum(p.value) AS total, min(p.value) AS low, max(p.value) AS high
            FROM stored_points p
            JOIN metric_series s ON s.series_key = metric_series_key(p.metric_name, p.queue_name, p.worker_id,
                                                                     p.execution_id, p.tags)
           CROSS JOIN unnest(enum_range(NULL::metric_resolution)) AS res (resolution)
           GROUP BY 1, 2, 3, 4) buckets
   GROUP BY series_id, resolution, bucket_start
   ORDER BY series_id, resolution, bucket_start
  ON CONFLICT (series_id, resolution, bucket_start) DO UPDATE
     SET sample_count = r.sample_count + excluded.sample_count,
         value_sum = r.value_sum + excluded.value_sum,
         value_min = least(r.value_min, excluded.value_min),
         value_max = greatest(r.value_max, excluded.value_max),
         histogram = metric_histogram_merge(r.histogram, excluded.histogram);
  RETURN NULL;
END
$$;
