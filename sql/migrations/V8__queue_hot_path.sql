-- The queue's hot path: what every job writes, made cheaper where it needs nothing.

-- Tokens and cost become execution points only for results that carry them: most results (shell
-- runs, no-op runs, results of settled parents) carry neither, and the WHEN clause spares them the
-- function call and its join.
DROP TRIGGER task_results_usage_points ON task_results;
CREATE TRIGGER task_results_usage_points AFTER INSERT ON task_results
  FOR EACH ROW WHEN (NEW.tokens_used IS NOT NULL OR NEW.cost_estimate IS NOT NULL)
  EXECUTE FUNCTION task_results_usage_points();

-- Indexes no query reads: each was one more entry written by every claim and completion.
DROP INDEX queue_jobs_finished_idx;
DROP INDEX task_executions_status_idx;

-- Time ranges of executions and attempts are read through block ranges. A BRIN index costs next
-- to nothing to keep, and on PostgreSQL 16 and later an update that changes only BRIN-indexed
-- columns can stay on its page (HOT): ending an attempt writes no index entry at all. The room
-- for it is left on each page by the fill factor.
DROP INDEX task_executions_started_idx;
CREATE INDEX task_executions_started_idx ON task_executions USING brin (started_at);
DROP INDEX job_attempts_finished_idx;
CREATE INDEX job_attempts_finished_idx ON job_attempts USING brin (finished_at);
ALTER TABLE job_attempts SET (fillfactor = 90);
