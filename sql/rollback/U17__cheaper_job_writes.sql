-- Reverses V17__cheaper_job_writes.sql.
DROP TRIGGER task_results_usage_points ON task_results;
CREATE TRIGGER task_results_usage_points AFTER INSERT ON task_results
  FOR EACH ROW EXECUTE FUNCTION task_results_usage_points();

DROP TRIGGER tasks_bump_version ON tasks;
CREATE TRIGGER tasks_bump_version BEFORE UPDATE ON tasks FOR EACH ROW EXECUTE FUNCTION bump_version();

DROP TRIGGER task_executions_set_updated_at ON task_executions;
CREATE TRIGGER task_executions_set_updated_at BEFORE UPDATE ON task_executions
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

DROP TRIGGER queue_jobs_set_updated_at ON queue_jobs;
CREATE TRIGGER queue_jobs_set_updated_at BEFORE UPDATE ON queue_jobs FOR EACH ROW EXECUTE FUNCTION set_updated_at();
