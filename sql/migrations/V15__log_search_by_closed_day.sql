-- Full-text search over log lines stops costing every insert.
--
-- A GIN index over to_tsvector(message) on the whole of execution_logs made each stored line cost
-- about three times the PostgreSQL CPU of the line itself. Lines are written to today's partition
-- and searched within one execution: today's lines are searched by reading that execution's lines
-- (its primary key leads with execution_id), and a day's partition gets its search index once the
-- day is over, built by the metrics verticle's maintenance through index_closed_log_days. The
-- search query is unchanged; the planner uses the index wherever a partition has one.
DROP INDEX execution_logs_search_idx;

CREATE FUNCTION index_closed_log_days(before_day date) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  part  record;
  built integer := 0;
BEGIN
  -- One builder at a time across instances; the others find the work done.
  PERFORM pg_advisory_xact_lock(hashtextextended('taskforge.log-search-index', 0));
  FOR part IN
    SELECT c.oid::regclass AS part, c.relname
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'public.execution_logs'::regclass
       AND c.relname ~ '^execution_logs_p[0-9]{8}$'
       AND to_date(right(c.relname, 8), 'YYYYMMDD') < before_day
       AND NOT EXISTS (SELECT 1 FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid
                        WHERE x.indrelid = c.oid AND ic.relname = c.relname || '_search')
     ORDER BY c.relname
  LOOP
    EXECUTE format('CREATE INDEX %I ON %s USING gin (to_tsvector(''simple''::regconfig, message))',
                   part.relname || '_search', part.part);
    -- Statistics of the indexed expression let the planner tell a rare word (read through the
    -- index) from a common one (read in seq order until the page is full).
    EXECUTE format('ANALYZE %s', part.part);
    built := built + 1;
  END LOOP;
  RETURN built;
END
$$;
COMMENT ON FUNCTION index_closed_log_days(date) IS 'Builds the full-text search index <partition>_search of every daily partition of execution_logs whose day is before before_day and has none, and analyzes the partition; returns how many it built. Safe to call from several instances at once.';
REVOKE EXECUTE ON FUNCTION index_closed_log_days(date) FROM PUBLIC;
