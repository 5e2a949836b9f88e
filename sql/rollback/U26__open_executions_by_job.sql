-- Reverses V26__open_executions_by_job.sql: the block-range indexes at PostgreSQL's default range, no index of open executions.
CREATE INDEX task_executions_created_128_idx ON task_executions USING brin (created_at);
DROP INDEX task_executions_created_idx;
ALTER INDEX task_executions_created_128_idx RENAME TO task_executions_created_idx;

CREATE INDEX task_executions_completed_128_idx ON task_executions USING brin (completed_at);
DROP INDEX task_executions_completed_idx;
ALTER INDEX task_executions_completed_128_idx RENAME TO task_executions_completed_idx;

DROP INDEX task_executions_open_by_job_idx;
