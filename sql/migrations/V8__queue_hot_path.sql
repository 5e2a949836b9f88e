-- The queue's hot path: what every job writes, made cheaper where it needs nothing.

-- Tokens and cost become execution points only for results that carry them: most results (shell
-- runs, no-op runs, results of settled parents) carry neither, and the WHEN clause spares them the
-- function call and its join.
DROP TRIGGER task_results_usage_points ON task_results;
CREATE TRIGGER task_results_usage_points AFTER INSERT ON task_results
  FOR EACH ROW WHEN (NEW.tokens_used IS NOT NULL OR NEW.cost_estimate IS NOT NULL)
  EXECUTE FUNCTION task_results_usage_points();
