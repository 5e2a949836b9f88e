-- System metrics as a time series, and the daily partitions of the time-partitioned tables.

CREATE TYPE metric_type AS ENUM ('COUNTER', 'GAUGE', 'HISTOGRAM', 'TIMER');
COMMENT ON TYPE metric_type IS 'Kind of a metric sample.';

-- An explicit sequence rather than an identity column: identity on partitioned tables needs PostgreSQL 17.
CREATE SEQUENCE system_metrics_id_seq AS bigint;
CREATE TABLE system_metrics (
  id           bigint           NOT NULL DEFAULT nextval('system_metrics_id_seq'),
  recorded_at  timestamptz      NOT NULL DEFAULT now(),
  metric_type  metric_type      NOT NULL,
  metric_name  text             NOT NULL CHECK (length(metric_name) BETWEEN 1 AND 200),
  value        double precision NOT NULL,
  unit         text,
  execution_id uuid             REFERENCES task_executions (id) ON DELETE CASCADE,
  worker_id    text,
  queue_name   text,
  tags         jsonb            NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(tags) = 'object'),
  PRIMARY KEY (id, recorded_at)
) PARTITION BY RANGE (recorded_at);
ALTER SEQUENCE system_metrics_id_seq OWNED BY system_metrics.id;
CREATE INDEX system_metrics_name_time_idx ON system_metrics (metric_name, recorded_at);
CREATE INDEX system_metrics_execution_idx ON system_metrics (execution_id) WHERE execution_id IS NOT NULL;
CREATE INDEX system_metrics_queue_idx ON system_metrics (queue_name, metric_name, recorded_at) WHERE queue_name IS NOT NULL;
CREATE INDEX system_metrics_time_idx ON system_metrics USING brin (recorded_at);
CREATE INDEX system_metrics_tags_idx ON system_metrics USING gin (tags);
COMMENT ON TABLE system_metrics IS 'Metric samples (queues, workers, executions, the server); partitioned by day of recorded_at.';
COMMENT ON COLUMN system_metrics.id IS 'Identifier.';
COMMENT ON COLUMN system_metrics.recorded_at IS 'When the sample was taken (the partition key).';
COMMENT ON COLUMN system_metrics.metric_type IS 'COUNTER, GAUGE, HISTOGRAM or TIMER.';
COMMENT ON COLUMN system_metrics.metric_name IS 'Metric name, e.g. queue.depth.';
COMMENT ON COLUMN system_metrics.value IS 'Sampled value.';
COMMENT ON COLUMN system_metrics.unit IS 'Unit of the value (ms, bytes, percent...).';
COMMENT ON COLUMN system_metrics.execution_id IS 'Execution measured, for execution-level metrics.';
COMMENT ON COLUMN system_metrics.worker_id IS 'Worker measured.';
COMMENT ON COLUMN system_metrics.queue_name IS 'Queue measured.';
COMMENT ON COLUMN system_metrics.tags IS 'Further labels.';

CREATE FUNCTION ensure_daily_partitions(parent regclass, from_day date, to_day date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  parent_name   text := (SELECT relname FROM pg_class WHERE oid = parent);
  partition_key text;
  default_part  regclass;
  day           date;
  part_name     text;
  lower_bound   timestamptz;
  upper_bound   timestamptz;
  moved         bigint;
  created       integer := 0;
BEGIN
  -- One maintainer at a time per table, whichever instance calls.
  PERFORM pg_advisory_xact_lock(hashtextextended('taskforge.partitions:' || parent_name, 0));
  SELECT a.attname INTO partition_key
    FROM pg_partitioned_table pt
    JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
   WHERE pt.partrelid = parent;
  IF partition_key IS NULL THEN
    RAISE EXCEPTION '% is not a partitioned table', parent;
  END IF;
  SELECT i.inhrelid::regclass INTO default_part
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
   WHERE i.inhparent = parent AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT';

  day := from_day;
  WHILE day <= to_day LOOP
    part_name := format('%s_p%s', parent_name, to_char(day, 'YYYYMMDD'));
    IF to_regclass(quote_ident(part_name)) IS NULL THEN
      lower_bound := day::timestamp AT TIME ZONE 'UTC';
      upper_bound := (day + 1)::timestamp AT TIME ZONE 'UTC';
      moved := 0;
      IF default_part IS NOT NULL THEN
        EXECUTE format('SELECT count(*) FROM %s WHERE %I >= $1 AND %I < $2', default_part, partition_key, partition_key)
          INTO moved USING lower_bound, upper_bound;
      END IF;
      IF moved > 0 THEN
        -- Rows of that day already sit in the default partition: move them into the new
        -- partition before attaching it, or the attach would fail.
        EXECUTE format('CREATE TABLE %I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part_name, parent);
        EXECUTE format('WITH moved AS (DELETE FROM %s WHERE %I >= $1 AND %I < $2 RETURNING *) INSERT INTO %I SELECT * FROM moved',
                       default_part, partition_key, partition_key, part_name) USING lower_bound, upper_bound;
        EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, part_name, lower_bound, upper_bound);
      ELSE
        EXECUTE format('CREATE TABLE %I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)', part_name, parent, lower_bound, upper_bound);
      END IF;
      EXECUTE format('COMMENT ON TABLE %I IS %L', part_name, format('Partition of %s for %s (UTC).', parent_name, day));
      created := created + 1;
    END IF;
    day := day + 1;
  END LOOP;
  RETURN created;
END
$$;
COMMENT ON FUNCTION ensure_daily_partitions(regclass, date, date) IS 'Creates the missing daily partitions <table>_pYYYYMMDD for every UTC day from from_day to to_day, moving rows of those days out of the default partition; returns how many it created. Safe to call from several instances at once.';

CREATE FUNCTION drop_daily_partitions_before(parent regclass, before_day date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  parent_name text := (SELECT relname FROM pg_class WHERE oid = parent);
  part        record;
  dropped     integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('taskforge.partitions:' || parent_name, 0));
  FOR part IN
    SELECT c.oid::regclass AS name
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = parent
       AND c.relname ~ ('^' || parent_name || '_p[0-9]{8}$')
       AND to_date(right(c.relname, 8), 'YYYYMMDD') + 1 <= before_day
  LOOP
    EXECUTE format('DROP TABLE %s', part.name);
    dropped := dropped + 1;
  END LOOP;
  RETURN dropped;
END
$$;
COMMENT ON FUNCTION drop_daily_partitions_before(regclass, date) IS 'Drops the daily partitions of a table whose whole day lies before before_day (retention); returns how many it dropped.';

-- Default partitions catch rows of days with no partition yet, so no row is ever refused.
CREATE TABLE execution_logs_default PARTITION OF execution_logs DEFAULT;
COMMENT ON TABLE execution_logs_default IS 'Log lines of days that have no partition of their own yet.';
CREATE TABLE system_metrics_default PARTITION OF system_metrics DEFAULT;
COMMENT ON TABLE system_metrics_default IS 'Metric samples of days that have no partition of their own yet.';

SELECT ensure_daily_partitions('execution_logs', (now() AT TIME ZONE 'UTC')::date - 1, (now() AT TIME ZONE 'UTC')::date + 7);
SELECT ensure_daily_partitions('system_metrics', (now() AT TIME ZONE 'UTC')::date - 1, (now() AT TIME ZONE 'UTC')::date + 7);
