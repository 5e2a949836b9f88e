-- Metric rollups: every point stored in system_metrics is also folded, in the same statement, into a
-- per-minute and a per-hour aggregate of its series, so a query over months reads rollup rows and
-- never scans raw points. Each aggregate keeps count, sum, min, max and a mergeable histogram:
-- fixed log-scale buckets (each bucket 2^(1/16) wide, so a percentile read from it is within 2.2 %
-- of the exact one), stored as {"bucket key": count}. Merging two aggregates adds counts bucket by
-- bucket; percentiles are read from merged buckets, never averaged.

-- A series is one metric name with one set of labels (queue, worker, execution, tags). Rollups
-- point at it, which keeps their rows narrow and gives queries an index to start from.
CREATE TABLE metric_series (
  id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  series_key    text        NOT NULL UNIQUE,
  metric_name   text        NOT NULL CHECK (length(metric_name) BETWEEN 1 AND 200),
  metric_type   metric_type NOT NULL,
  unit          text,
  execution_id  uuid        REFERENCES task_executions (id) ON DELETE CASCADE,
  worker_id     text,
  queue_name    text,
  tags          jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(tags) = 'object'),
  first_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX metric_series_name_idx ON metric_series (metric_name);
CREATE INDEX metric_series_execution_idx ON metric_series (execution_id) WHERE execution_id IS NOT NULL;
COMMENT ON TABLE metric_series IS 'Each metric name with one set of labels: what rollups aggregate.';
COMMENT ON COLUMN metric_series.id IS 'Identifier.';
COMMENT ON COLUMN metric_series.series_key IS 'Digest of name and labels (metric_series_key), unique per series.';
COMMENT ON COLUMN metric_series.metric_name IS 'Metric name, e.g. queue.waiting.';
COMMENT ON COLUMN metric_series.metric_type IS 'Kind of the first sample seen.';
COMMENT ON COLUMN metric_series.unit IS 'Unit of the first sample seen.';
COMMENT ON COLUMN metric_series.execution_id IS 'Execution measured, for execution-level metrics.';
COMMENT ON COLUMN metric_series.worker_id IS 'Worker measured.';
COMMENT ON COLUMN metric_series.queue_name IS 'Queue measured.';
COMMENT ON COLUMN metric_series.tags IS 'Further labels.';
COMMENT ON COLUMN metric_series.first_seen_at IS 'When the first sample of the series was stored.';

CREATE TYPE metric_resolution AS ENUM ('MINUTE', 'HOUR');
COMMENT ON TYPE metric_resolution IS 'Span of a metric rollup.';

CREATE TABLE metric_rollups (
  series_id    bigint            NOT NULL REFERENCES metric_series (id) ON DELETE CASCADE,
  resolution   metric_resolution NOT NULL,
  bucket_start timestamptz       NOT NULL,
  sample_count bigint            NOT NULL CHECK (sample_count > 0),
  value_sum    double precision  NOT NULL,
  value_min    double precision  NOT NULL,
  value_max    double precision  NOT NULL CHECK (value_max >= value_min),
  histogram    jsonb             NOT NULL CHECK (jsonb_typeof(histogram) = 'object'),
  PRIMARY KEY (series_id, resolution, bucket_start),
  CHECK (date_trunc(lower(resolution::text), bucket_start, 'UTC') = bucket_start)
) PARTITION BY LIST (resolution);
-- One partition per resolution: a month of hours is a few pages of its own instead of rows strewn
-- among the minutes. Updates touch no indexed column, so they can stay on their page (HOT).
CREATE TABLE metric_rollups_minute PARTITION OF metric_rollups FOR VALUES IN ('MINUTE');
CREATE TABLE metric_rollups_hour PARTITION OF metric_rollups FOR VALUES IN ('HOUR');
COMMENT ON TABLE metric_rollups_minute IS 'The MINUTE rollups.';
COMMENT ON TABLE metric_rollups_hour IS 'The HOUR rollups.';
-- Retention deletes by time; rollups arrive roughly in time order, which is what BRIN needs.
CREATE INDEX metric_rollups_time_idx ON metric_rollups USING brin (bucket_start);
COMMENT ON TABLE metric_rollups IS 'Per-minute and per-hour aggregates of each metric series, kept up to date as points are stored.';
COMMENT ON COLUMN metric_rollups.series_id IS 'The series aggregated.';
COMMENT ON COLUMN metric_rollups.resolution IS 'MINUTE or HOUR: the span aggregated.';
COMMENT ON COLUMN metric_rollups.bucket_start IS 'Start of the minute or hour (UTC).';
COMMENT ON COLUMN metric_rollups.sample_count IS 'Points in it.';
COMMENT ON COLUMN metric_rollups.value_sum IS 'Sum of their values.';
COMMENT ON COLUMN metric_rollups.value_min IS 'Smallest value.';
COMMENT ON COLUMN metric_rollups.value_max IS 'Largest value.';
COMMENT ON COLUMN metric_rollups.histogram IS 'Counts per log-scale bucket (metric_histogram_key), mergeable.';

-- Who samples queue-wide figures, and up to when: one row per sampler. An instance takes a turn by
-- moving sampled_at forward (a conditional UPDATE), so with several instances each interval is
-- sampled once; covered_until is how far per-job points have been written.
CREATE TABLE metric_samplers (
  name          text        PRIMARY KEY,
  sampled_at    timestamptz,
  covered_until timestamptz NOT NULL DEFAULT now(),
  instance_id   text
);
COMMENT ON TABLE metric_samplers IS 'Turn-taking and progress of samplers shared by every server instance.';
COMMENT ON COLUMN metric_samplers.name IS 'The sampler.';
COMMENT ON COLUMN metric_samplers.sampled_at IS 'When it last ran (on any instance); null before its first run.';
COMMENT ON COLUMN metric_samplers.covered_until IS 'Events up to this time have been turned into points.';
COMMENT ON COLUMN metric_samplers.instance_id IS 'The instance that ran it last.';

-- The queue sampler reads the attempts started and finished since its last turn.
CREATE INDEX job_attempts_started_idx ON job_attempts USING brin (started_at);
CREATE INDEX job_attempts_finished_idx ON job_attempts (finished_at) WHERE finished_at IS NOT NULL;

-- Labels are searched in metric_series now, not in raw points: the GIN index on every point's tags
-- only slowed writes.
DROP INDEX system_metrics_tags_idx;

-- Non-finite values have no bucket and would poison sums.
ALTER TABLE system_metrics ADD CONSTRAINT system_metrics_value_finite
  CHECK (value <> 'NaN'::float8 AND value <> 'Infinity'::float8 AND value <> '-Infinity'::float8);

CREATE FUNCTION metric_series_key(name text, queue text, worker text, execution uuid, tags jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  -- chr(30) marks a missing label, so that a null and an empty string stay different series.
  SELECT md5(concat_ws(chr(31), name, coalesce(queue, chr(30)), coalesce(worker, chr(30)),
                       coalesce(execution::text, chr(30)), tags::text))
$$;

-- 'p<i>' holds positive values in (2^((i-1)/16), 2^(i/16)], 'n<i>' the negatives by magnitude, 'z' zero.
CREATE FUNCTION metric_histogram_key(v double precision) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN v > 0 THEN 'p' || ceil(ln(v) * 23.083120654223414)::bigint
              WHEN v < 0 THEN 'n' || ceil(ln(-v) * 23.083120654223414)::bigint
              ELSE 'z' END
$$;

-- The value a bucket stands for: the point of its range with the smallest worst-case relative error.
CREATE FUNCTION metric_histogram_value(key text) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE left(key, 1)
           WHEN 'p' THEN 2 * power(2::float8, substr(key, 2)::float8 / 16) / (1 + power(2::float8, 1.0 / 16))
           WHEN 'n' THEN -2 * power(2::float8, substr(key, 2)::float8 / 16) / (1 + power(2::float8, 1.0 / 16))
           ELSE 0 END
$$;

CREATE FUNCTION metric_histogram_merge(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(jsonb_object_agg(key, total), '{}'::jsonb)
    FROM (SELECT key, sum(value::bigint) AS total
            FROM (SELECT key, value FROM jsonb_each_text(a)
                  UNION ALL
                  SELECT key, value FROM jsonb_each_text(b)) counts
           GROUP BY key) merged
$$;

-- Folds the points one INSERT statement stored into their series' minute and hour rollups: first the
-- series new to this statement, then one upsert of both resolutions. Rows are upserted in key order,
-- so concurrent statements lock shared rollup rows in the same order.
CREATE FUNCTION system_metrics_roll_up() RETURNS trigger
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

CREATE TRIGGER system_metrics_roll_up AFTER INSERT ON system_metrics
  REFERENCING NEW TABLE AS stored_points
  FOR EACH STATEMENT EXECUTE FUNCTION system_metrics_roll_up();

-- Tokens and cost of a result become points of its execution, so they can be queried and summed
-- like any other execution metric.
CREATE FUNCTION task_results_usage_points() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO system_metrics (recorded_at, metric_type, metric_name, value, unit, execution_id, worker_id)
  SELECT NEW.created_at, 'COUNTER', m.name, m.value, m.unit, e.id, e.worker_id
    FROM task_executions e
    CROSS JOIN LATERAL (VALUES ('execution.tokens', NEW.tokens_used::float8, 'tokens'),
                               ('execution.cost', NEW.cost_estimate::float8, 'usd')) AS m (name, value, unit)
   WHERE e.id = NEW.execution_id AND m.value IS NOT NULL;
  RETURN NULL;
END
$$;

CREATE TRIGGER task_results_usage_points AFTER INSERT ON task_results
  FOR EACH ROW EXECUTE FUNCTION task_results_usage_points();

-- Points stored before this migration get their rollups the way new ones do: stored again, same
-- rows and ids, through the trigger.
CREATE TEMP TABLE points_before_rollups ON COMMIT DROP AS SELECT * FROM system_metrics;
DELETE FROM system_metrics;
INSERT INTO system_metrics SELECT * FROM points_before_rollups ORDER BY recorded_at, id;
