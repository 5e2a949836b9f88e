-- Reverses V8__queue_hot_path.sql.
DROP TRIGGER task_results_usage_points ON task_results;
CREATE TRIGGER task_results_usage_points AFTER INSERT ON task_results
  FOR EACH ROW EXECUTE FUNCTION task_results_usage_points();
ALTER TABLE job_attempts RESET (fillfactor);
DROP INDEX job_attempts_finished_idx;
CREATE INDEX job_attempts_finished_idx ON job_attempts (finished_at) WHERE finished_at IS NOT NULL;
DROP INDEX task_executions_started_idx;
CREATE INDEX task_executions_started_idx ON task_executions (started_at);
CREATE INDEX task_executions_status_idx ON task_executions (status);
CREATE INDEX queue_jobs_finished_idx ON queue_jobs (status, finished_at);
