-- The queue's background statements read task_executions by key, not by walking its history.
--
-- Ending the open attempt of a job (the reaper taking back expired leases, a claim given back, a
-- heartbeat) asks for `job_id = ANY (...) AND completed_at IS NULL`. PostgreSQL estimated one open
-- execution in all and answered `completed_at IS NULL` from the block-range index on completed_at,
-- which cannot tell an open row's range from any other: every page of the table was read. On the
-- API bench's kept database (660,000 executions) the reaper's statement took 240 ms every 15 s,
-- growing with the table; with this index, 0.4 ms. It holds only the open executions, a handful.
CREATE INDEX task_executions_open_by_job_idx ON task_executions (job_id) WHERE completed_at IS NULL;

-- The block-range indexes behind the queue sampler's windows (attempts started and ended in the
-- last ten seconds) and the queues' rate limits, at 16 pages a range instead of 128: a window of
-- a few hundred rows read 64 pages instead of 1,339 (10 ms against 45 ms on that database).
-- Ranges are summarised as soon as they fill (autosummarize), so the newest pages, which every
-- window reads, are not left to be read whole until the next vacuum.
CREATE INDEX task_executions_created_16_idx ON task_executions USING brin (created_at)
  WITH (pages_per_range = 16, autosummarize = on);
DROP INDEX task_executions_created_idx;
ALTER INDEX task_executions_created_16_idx RENAME TO task_executions_created_idx;

CREATE INDEX task_executions_completed_16_idx ON task_executions USING brin (completed_at)
  WITH (pages_per_range = 16, autosummarize = on);
DROP INDEX task_executions_completed_idx;
ALTER INDEX task_executions_completed_16_idx RENAME TO task_executions_completed_idx;
