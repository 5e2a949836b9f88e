-- Reverses V16__queue_and_agent_controls.sql.
ALTER TABLE projects DROP COLUMN monthly_budget_usd;
DROP TABLE queue_pauses;
DROP INDEX tasks_unique_key_idx;
