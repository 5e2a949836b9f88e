-- Reverses V5__metrics_and_partitions.sql. The partitions of execution_logs (its default and daily
-- ones) go too: the table itself belongs to V4, but its partitions were made by this migration.
-- The rows in them go with them, as the rows of every table a reverse migration drops.
DO $$
DECLARE
  parts text;
BEGIN
  SELECT string_agg(i.inhrelid::regclass::text, ', ') INTO parts
    FROM pg_inherits i
   WHERE i.inhparent = 'execution_logs'::regclass;
  IF parts IS NOT NULL THEN
    EXECUTE 'DROP TABLE ' || parts;
  END IF;
END
$$;
DROP FUNCTION drop_daily_partitions_before(regclass, date);
DROP FUNCTION ensure_daily_partitions(regclass, date, date);
-- Its partitions and the sequence owned by its id column go with it.
DROP TABLE system_metrics;
DROP TYPE metric_type;
