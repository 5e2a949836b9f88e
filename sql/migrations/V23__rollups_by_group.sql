-- Folds the points one INSERT statement stored into their series' minute and hour rollups, as V7's
-- did, with the points grouped first. V7 computed each point's series key (an md5 of its name and
-- labels) twice and its histogram bucket and truncated time once per resolution: 73 ms of a queue
-- timers' insert of 5,271 points (one series) went to that, under the API bench's mix every 10 s.
-- Here the points are grouped by labels, minute and bucket first, and the key is computed once per
-- group. The hour rollups are made from the minute groups (an hour holds whole minutes in UTC).
CREATE OR REPLACE FUNCTION system_metrics_roll_up() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO metric_series (series_key, metric_name, metric_type, unit, execution_id, worker_id, queue_name, tags)
  SELECT DISTINCT ON (k) k, metric_name, metric_type, unit, execution_id, worker_id, queue_name, tags
    FROM (SELECT metric_series_key(metric_name, queue_name, worker_id, execution_id, tags) AS k, *
            FROM (SELECT DISTINCT metric_name, metric_type, unit, execution_id, worker_id, queue_name, tags
                    FROM stored_points) labels) p
   ORDER BY k
  ON CONFLICT (series_key) DO NOTHING;

  INSERT INTO metric_rollups AS r (series_id, resolution, bucket_start, sample_count, value_sum, value_min, value_max,
                                   histogram)
  SELECT series_id, resolution, bucket_start, sum(n), sum(total), min(low), max(high), jsonb_object_agg(bucket, n)
    FROM (SELECT s.id AS series_id, res.resolution,
                 date_trunc(lower(res.resolution::text), m.minute, 'UTC') AS bucket_start, m.bucket,
                 sum(m.n) AS n, sum(m.total) AS total, min(m.low) AS low, max(m.high) AS high
            FROM (SELECT metric_name, queue_name, worker_id, execution_id, tags,
                         date_trunc('minute', recorded_at, 'UTC') AS minute, metric_histogram_key(value) AS bucket,
                         count(*) AS n, sum(value) AS total, min(value) AS low, max(value) AS high
                    FROM stored_points
                   GROUP BY 1, 2, 3, 4, 5, 6, 7) m
            JOIN metric_series s ON s.series_key = metric_series_key(m.metric_name, m.queue_name, m.worker_id,
                                                                     m.execution_id, m.tags)
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
