-- Reverses V4__executions_and_results.sql.
DROP TABLE result_files;
DROP TABLE task_results;
DROP TABLE execution_logs;
DROP INDEX job_attempts_execution_idx;
ALTER TABLE job_attempts DROP CONSTRAINT job_attempts_execution_id_fkey;
DROP TABLE task_executions;
DROP TYPE result_status;
DROP TYPE log_source;
DROP TYPE log_level;
DROP TYPE execution_status;
