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

-- Partition maintenance. Both functions run with their owner's rights (SECURITY DEFINER, with a
-- fixed search_path) so that a server connected as the DML-only role taskforge_app can still create
-- partitions ahead and drop them past retention; EXECUTE is taken away from PUBLIC and given to
-- taskforge_app only. Both take the same advisory lock per parent table, so two server instances
-- maintaining the same table queue up instead of colliding.
CREATE FUNCTION ensure_daily_partitions(parent regclass, from_day date, to_day date) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  parent_schema text;
  parent_name   text;
  partition_key text;
  column_list   text;
  default_part  regclass;
  day           date;
  part_name     text;
  lower_bound   timestamptz;
  upper_bound   timestamptz;
  has_rows      boolean;
  col           record;
  created       integer := 0;
BEGIN
  SELECT n.nspname, c.relname INTO parent_schema, parent_name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.oid = parent AND c.relkind = 'p';
  IF parent_name IS NULL THEN
    RAISE EXCEPTION '% is not a partitioned table', parent;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('taskforge.partitions:' || parent::oid::text, 0));

  SELECT a.attname INTO partition_key
    FROM pg_partitioned_table pt
    JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
   WHERE pt.partrelid = parent;
  SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO column_list
    FROM pg_attribute a
   WHERE a.attrelid = parent AND a.attnum > 0 AND NOT a.attisdropped;
  SELECT i.inhrelid::regclass INTO default_part
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
   WHERE i.inhparent = parent AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT';

  day := from_day;
  WHILE day <= to_day LOOP
    part_name := parent_name || '_p' || to_char(day, 'YYYYMMDD');
    IF to_regclass(format('%I.%I', parent_schema, part_name)) IS NULL THEN
      IF created = 0 THEN
        -- Creating a partition locks the parent exclusively anyway; taking that lock first means
        -- no row can slip into the default partition between the check below and the attach.
        EXECUTE format('LOCK TABLE ONLY %s IN ACCESS EXCLUSIVE MODE', parent);
      END IF;
      lower_bound := day::timestamp AT TIME ZONE 'UTC';
      upper_bound := (day + 1)::timestamp AT TIME ZONE 'UTC';
      has_rows := false;
      IF default_part IS NOT NULL THEN
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE %I >= $1 AND %I < $2)', default_part, partition_key, partition_key)
          INTO has_rows USING lower_bound, upper_bound;
      END IF;
      IF has_rows THEN
        -- Rows of that day already sit in the default partition: move them into the new table
        -- before attaching it, or the attach would fail.
        EXECUTE format('CREATE TABLE %I.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', parent_schema, part_name, parent);
        EXECUTE format('WITH moved AS (DELETE FROM %s WHERE %I >= $1 AND %I < $2 RETURNING %s) INSERT INTO %I.%I (%s) SELECT %s FROM moved',
                       default_part, partition_key, partition_key, column_list, parent_schema, part_name, column_list, column_list)
          USING lower_bound, upper_bound;
        EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I.%I FOR VALUES FROM (%L) TO (%L)',
                       parent, parent_schema, part_name, to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00', to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00');
      ELSE
        EXECUTE format('CREATE TABLE %I.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                       parent_schema, part_name, parent, to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00', to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00');
      END IF;
      -- Partitions are tables too: they carry the parent's comments.
      EXECUTE format('COMMENT ON TABLE %I.%I IS %L', parent_schema, part_name,
                     format('Partition of %s for the UTC day %s.', parent_name, to_char(day, 'YYYY-MM-DD')));
      FOR col IN
        SELECT a.attname, d.description
          FROM pg_attribute a
          JOIN pg_description d ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum
         WHERE a.attrelid = parent AND a.attnum > 0 AND NOT a.attisdropped
      LOOP
        EXECUTE format('COMMENT ON COLUMN %I.%I.%I IS %L', parent_schema, part_name, col.attname, col.description);
      END LOOP;
      created := created + 1;
    END IF;
    day := day + 1;
  END LOOP;
  RETURN created;
END
$$;
COMMENT ON FUNCTION ensure_daily_partitions(regclass, date, date) IS 'Creates the missing daily partitions <table>_pYYYYMMDD (bounds at UTC midnight) for every day from from_day to to_day, moving rows of those days out of the default partition; returns how many it created. Safe to call from several instances at once.';

CREATE FUNCTION drop_daily_partitions_before(parent regclass, before_day date) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  parent_name text;
  part        record;
  dropped     integer := 0;
BEGIN
  -- Retention only ever reaches into the past: a day still under way keeps its rows.
  IF before_day > (now() AT TIME ZONE 'UTC')::date THEN
    RAISE EXCEPTION 'drop_daily_partitions_before: % is in the future; only past days can be dropped', before_day
      USING ERRCODE = '22023';
  END IF;
  SELECT c.relname INTO parent_name FROM pg_class c WHERE c.oid = parent AND c.relkind = 'p';
  IF parent_name IS NULL THEN
    RAISE EXCEPTION '% is not a partitioned table', parent;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('taskforge.partitions:' || parent::oid::text, 0));
  -- The upper bound is read from the partition itself (printed and read back in this session's
  -- time zone and date style), so a misnamed table is never dropped for its name alone.
  FOR part IN
    SELECT p.part
      FROM (SELECT i.inhrelid::regclass AS part, c.relname,
                   substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \(''([^'']+)''\)') AS upper_text
              FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = parent) p
     WHERE p.relname ~ ('^' || parent_name || '_p[0-9]{8}$')
       AND p.upper_text IS NOT NULL
       AND p.upper_text::timestamptz <= (before_day::timestamp AT TIME ZONE 'UTC')
     ORDER BY p.upper_text::timestamptz
  LOOP
    EXECUTE format('DROP TABLE %s', part.part);
    dropped := dropped + 1;
  END LOOP;
  RETURN dropped;
END
$$;
COMMENT ON FUNCTION drop_daily_partitions_before(regclass, date) IS 'Drops the daily partitions <table>_pYYYYMMDD whose upper bound is at or before UTC midnight of before_day (retention); returns how many it dropped. The default partition is never dropped.';

REVOKE EXECUTE ON FUNCTION ensure_daily_partitions(regclass, date, date) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION drop_daily_partitions_before(regclass, date) FROM PUBLIC;

-- Default partitions catch rows of days that have no partition yet, so no row is ever refused;
-- ensure_daily_partitions moves them out when their day's partition is made.
CREATE TABLE execution_logs_default PARTITION OF execution_logs DEFAULT;
CREATE TABLE system_metrics_default PARTITION OF system_metrics DEFAULT;
COMMENT ON TABLE execution_logs_default IS 'Log lines of days that have no partition of their own yet.';
COMMENT ON TABLE system_metrics_default IS 'Metric samples of days that have no partition of their own yet.';
-- Partitions are tables too: their columns carry the parent's comments.
DO $$
DECLARE
  col record;
BEGIN
  FOR col IN
    SELECT c.relname AS part, a.attname, d.description
      FROM pg_class c
      JOIN pg_inherits i ON i.inhrelid = c.oid
      JOIN pg_attribute a ON a.attrelid = i.inhparent AND a.attnum > 0 AND NOT a.attisdropped
      JOIN pg_description d ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum
     WHERE c.oid IN ('execution_logs_default'::regclass, 'system_metrics_default'::regclass)
  LOOP
    EXECUTE format('COMMENT ON COLUMN %I.%I IS %L', col.part, col.attname, col.description);
  END LOOP;
END
$$;

SELECT ensure_daily_partitions('execution_logs', (now() AT TIME ZONE 'UTC')::date - 1, (now() AT TIME ZONE 'UTC')::date + 7);
SELECT ensure_daily_partitions('system_metrics', (now() AT TIME ZONE 'UTC')::date - 1, (now() AT TIME ZONE 'UTC')::date + 7);
