-- Reverses V15__log_search_by_closed_day.sql: one search index over every partition again.
DO $$
DECLARE
  idx record;
BEGIN
  FOR idx IN
    SELECT ic.oid::regclass AS index
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_index x ON x.indrelid = c.oid
      JOIN pg_class ic ON ic.oid = x.indexrelid
     WHERE i.inhparent = 'execution_logs'::regclass AND ic.relname = c.relname || '_search'
  LOOP
    EXECUTE format('DROP INDEX %s', idx.index);
  END LOOP;
END
$$;
DROP FUNCTION index_closed_log_days(date);
CREATE INDEX execution_logs_search_idx ON execution_logs USING gin (to_tsvector('simple', message));
