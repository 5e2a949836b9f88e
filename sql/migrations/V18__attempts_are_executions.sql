-- An attempt at a job and the execution it ran as were two rows written in step: every claim
-- inserted both, every ending updated both with the same status, error and time. The execution now
-- is the attempt: job_attempts becomes a view over task_executions, and each job writes one row
-- less and updates one row less. Nothing is lost: every attempt already had its execution, and an
-- attempt without one (none is made since V4) becomes an execution of its own below.

INSERT INTO task_executions (task_id, job_id, attempt_number, worker_id, status, error_message, error_code,
                             created_at, updated_at, started_at, completed_at)
SELECT j.task_id, a.job_id, a.attempt_number, a.worker_id,
       CASE a.outcome WHEN 'COMPLETED' THEN 'COMPLETED'::execution_status WHEN 'FAILED' THEN 'FAILED'
                      WHEN 'LOST' THEN 'LOST' WHEN 'CANCELLED' THEN 'CANCELLED' WHEN 'TIMED_OUT' THEN 'TIMED_OUT'
                      ELSE 'RUNNING' END,
       a.error_message, a.error_code, a.started_at, coalesce(a.finished_at, a.started_at), a.started_at, a.finished_at
  FROM job_attempts a JOIN queue_jobs j ON j.id = a.job_id
 WHERE a.execution_id IS NULL;

DROP TABLE job_attempts;
-- Its foreign key was the only one to reach an execution by (id, job_id): one index less per claim.
ALTER TABLE task_executions DROP CONSTRAINT task_executions_id_job_id_key;

CREATE VIEW job_attempts AS
SELECT e.job_id, e.attempt_number, e.id AS execution_id, e.worker_id,
       e.created_at AS started_at,
       CASE WHEN e.status NOT IN ('INITIALIZING', 'RUNNING') THEN coalesce(e.completed_at, e.updated_at) END
         AS finished_at,
       CASE e.status WHEN 'COMPLETED' THEN 'COMPLETED'::attempt_outcome WHEN 'FAILED' THEN 'FAILED'
                     WHEN 'LOST' THEN 'LOST' WHEN 'CANCELLED' THEN 'CANCELLED' WHEN 'TIMED_OUT' THEN 'TIMED_OUT' END
         AS outcome,
       e.error_message, e.error_code
  FROM task_executions e
 WHERE e.job_id IS NOT NULL;
COMMENT ON VIEW job_attempts IS 'Every attempt at a job, including the ones lost with a dead worker: the executions of queue jobs.';
COMMENT ON COLUMN job_attempts.job_id IS 'The job attempted.';
COMMENT ON COLUMN job_attempts.attempt_number IS '1 for the first attempt, then 2, 3...';
COMMENT ON COLUMN job_attempts.execution_id IS 'The task execution this attempt ran as.';
COMMENT ON COLUMN job_attempts.worker_id IS 'Worker or instance that ran the attempt.';
COMMENT ON COLUMN job_attempts.started_at IS 'When the attempt was claimed (its execution created).';
COMMENT ON COLUMN job_attempts.finished_at IS 'When the attempt ended; NULL while it runs.';
COMMENT ON COLUMN job_attempts.outcome IS 'How it ended; NULL while it runs.';
COMMENT ON COLUMN job_attempts.error_message IS 'Why it failed.';
COMMENT ON COLUMN job_attempts.error_code IS 'Machine-readable failure code (exit code, TIMEOUT, LEASE_EXPIRED...).';

-- What job_attempts' block-range indexes served (attempts started and ended in a time range, for
-- queue rate limits and activity samples), now on the executions. BRIN: next to nothing to keep,
-- and no obstacle to an update staying on its page.
CREATE INDEX task_executions_created_idx ON task_executions USING brin (created_at);
CREATE INDEX task_executions_completed_idx ON task_executions USING brin (completed_at);
