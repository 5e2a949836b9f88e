-- Reverses V5__metrics_and_partitions.sql. The daily partitions of execution_logs go too: the
-- table itself belongs to V4, but its partitions were made by this migration's function.
DO $$
DECLARE
  part regclass;
BEGIN
  FOR part IN
    SELECT i.inhrelid::regclass FROM pg_inherits i WHERE i.inhparent = 'execution_logs'::regclass
  LOOP
    EXECUTE format('DROP TABLE %s', part);
  END LOOP;
END
$$;
DROP FUNCTION drop_daily_partitions_before(regclass, date);
DROP FUNCTION ensure_daily_partitions(regclass, date, date);
DROP TABLE system_metrics;
DROP TYPE metric_type;
