-- Reverses V11__workflow_runs.sql.
DROP TABLE workflow_run_steps;
DROP INDEX workflow_executions_live_idx;
ALTER TABLE workflow_executions DROP COLUMN workflow_version;
