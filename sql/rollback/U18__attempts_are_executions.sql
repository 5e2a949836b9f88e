-- Reverses V18__attempts_are_executions.sql: job_attempts is a table again, filled from the
-- executions of queue jobs (one attempt each, as the claim made them).
DROP INDEX task_executions_completed_idx;
DROP INDEX task_executions_created_idx;
DROP VIEW job_attempts;
ALTER TABLE task_executions ADD CONSTRAINT task_executions_id_job_id_key UNIQUE (id, job_id);

CREATE TABLE job_attempts (
  id             bigint          GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id         bigint          NOT NULL REFERENCES queue_jobs (id) ON DELETE CASCADE,
  attempt_number integer         NOT NULL CHECK (attempt_number >= 1),
  execution_id   uuid,
  worker_id      text,
  started_at     timestamptz     NOT NULL DEFAULT now(),
  finished_at    timestamptz,
  outcome        attempt_outcome,
  error_message  text,
  error_code     text,
  UNIQUE (job_id, attempt_number),
  CHECK (finished_at IS NULL OR finished_at >= started_at),
  CHECK ((outcome IS NULL) = (finished_at IS NULL))
);
COMMENT ON TABLE job_attempts IS 'Every attempt at a job, including the ones lost with a dead worker.';
COMMENT ON COLUMN job_attempts.id IS 'Identifier.';
COMMENT ON COLUMN job_attempts.job_id IS 'The job attempted.';
COMMENT ON COLUMN job_attempts.attempt_number IS '1 for the first attempt, then 2, 3...';
COMMENT ON COLUMN job_attempts.execution_id IS 'The task execution this attempt ran as.';
COMMENT ON COLUMN job_attempts.worker_id IS 'Worker or instance that ran the attempt.';
COMMENT ON COLUMN job_attempts.started_at IS 'When the attempt was claimed.';
COMMENT ON COLUMN job_attempts.finished_at IS 'When the attempt ended; NULL while it runs.';
COMMENT ON COLUMN job_attempts.outcome IS 'How it ended; NULL while it runs.';
COMMENT ON COLUMN job_attempts.error_message IS 'Why it failed.';
COMMENT ON COLUMN job_attempts.error_code IS 'Machine-readable failure code (exit code, TIMEOUT, LEASE_EXPIRED...).';
ALTER TABLE job_attempts
  ADD CONSTRAINT job_attempts_execution_id_fkey FOREIGN KEY (execution_id, job_id)
    REFERENCES task_executions (id, job_id) ON DELETE SET NULL (execution_id);
CREATE INDEX job_attempts_execution_idx ON job_attempts (execution_id) WHERE execution_id IS NOT NULL;
CREATE INDEX job_attempts_started_idx ON job_attempts USING brin (started_at);
CREATE INDEX job_attempts_finished_idx ON job_attempts USING brin (finished_at);
ALTER TABLE job_attempts SET (fillfactor = 90);

-- One attempt per execution of a job; where two executions claim the same attempt number of a job
-- (they cannot, as the claim numbers them), the later one is left out by the unique key.
INSERT INTO job_attempts (job_id, attempt_number, execution_id, worker_id, started_at, finished_at, outcome,
                          error_message, error_code)
SELECT e.job_id, e.attempt_number, e.id, e.worker_id, e.created_at,
       CASE WHEN e.status NOT IN ('INITIALIZING', 'RUNNING') THEN greatest(coalesce(e.completed_at, e.updated_at), e.created_at) END,
       CASE e.status WHEN 'COMPLETED' THEN 'COMPLETED'::attempt_outcome WHEN 'FAILED' THEN 'FAILED'
                     WHEN 'LOST' THEN 'LOST' WHEN 'CANCELLED' THEN 'CANCELLED' WHEN 'TIMED_OUT' THEN 'TIMED_OUT' END,
       e.error_message, e.error_code
  FROM task_executions e
 WHERE e.job_id IS NOT NULL
 ORDER BY e.created_at, e.id
ON CONFLICT (job_id, attempt_number) DO NOTHING;
