-- Each job updates its queue row and its task twice and its execution once or more. The statements
-- of the queue's hot path now set updated_at (and a task's version) themselves, in the same
-- statement, to exactly what the row triggers would set; the triggers keep their guarantee (a
-- caller cannot set another updated_at or version) but skip the PL/pgSQL call when the new row
-- already holds what they would write. A trigger's WHEN is evaluated without calling the function.
DROP TRIGGER queue_jobs_set_updated_at ON queue_jobs;
CREATE TRIGGER queue_jobs_set_updated_at BEFORE UPDATE ON queue_jobs FOR EACH ROW
  WHEN (NEW.updated_at IS DISTINCT FROM now()) EXECUTE FUNCTION set_updated_at();

DROP TRIGGER task_executions_set_updated_at ON task_executions;
CREATE TRIGGER task_executions_set_updated_at BEFORE UPDATE ON task_executions FOR EACH ROW
  WHEN (NEW.updated_at IS DISTINCT FROM now()) EXECUTE FUNCTION set_updated_at();

DROP TRIGGER tasks_bump_version ON tasks;
CREATE TRIGGER tasks_bump_version BEFORE UPDATE ON tasks FOR EACH ROW
  WHEN (NEW.version IS DISTINCT FROM OLD.version + 1 OR NEW.updated_at IS DISTINCT FROM now())
  EXECUTE FUNCTION bump_version();

-- Usage points only for results that carry tokens or cost: the function is not called for others.
DROP TRIGGER task_results_usage_points ON task_results;
CREATE TRIGGER task_results_usage_points AFTER INSERT ON task_results FOR EACH ROW
  WHEN (NEW.tokens_used IS NOT NULL OR NEW.cost_estimate IS NOT NULL)
  EXECUTE FUNCTION task_results_usage_points();
