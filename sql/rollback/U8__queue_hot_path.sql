-- Reverses V8__queue_hot_path.sql.
DROP TRIGGER task_results_usage_points ON task_results;
CREATE TRIGGER task_results_usage_points AFTER INSERT ON task_results
  FOR EACH ROW EXECUTE FUNCTION task_results_usage_points();
