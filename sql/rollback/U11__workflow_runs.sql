-- Reverses V11__workflow_runs.sql.
ALTER TABLE workflow_executions
  DROP CONSTRAINT workflow_executions_trigger_key,
  DROP COLUMN trigger_key,
  DROP COLUMN trigger_id;
DROP TABLE workflow_triggers;
ALTER TABLE workflow_steps DROP COLUMN wait_for;
DROP TABLE workflow_run_steps;
DROP INDEX tasks_workflow_run_status_idx;
DROP INDEX workflow_executions_live_idx;
ALTER TABLE workflow_executions DROP COLUMN workflow_version;
