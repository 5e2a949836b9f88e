-- The durable queue: jobs, their attempts, and snapshots of each queue's health.

CREATE TYPE job_status AS ENUM ('AVAILABLE', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED');
COMMENT ON TYPE job_status IS 'AVAILABLE (claimable once run_at has passed), RUNNING (leased), then COMPLETED, FAILED or CANCELLED.';
CREATE TYPE backoff_type AS ENUM ('FIXED', 'EXPONENTIAL');
COMMENT ON TYPE backoff_type IS 'How the delay before a retry grows: FIXED stays the same, EXPONENTIAL doubles (with jitter, capped).';
CREATE TYPE attempt_outcome AS ENUM ('COMPLETED', 'FAILED', 'LOST', 'CANCELLED', 'TIMED_OUT');
COMMENT ON TYPE attempt_outcome IS 'How an attempt ended; LOST means its lease expired (dead worker or instance).';
CREATE TYPE queue_health_status AS ENUM ('OK', 'DEGRADED', 'STALLED');
COMMENT ON TYPE queue_health_status IS 'A queue''s health by the configured thresholds.';

CREATE TABLE queue_jobs (
  id               bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  task_id          uuid         NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  queue_name       text         NOT NULL DEFAULT 'default' CHECK (length(queue_name) BETWEEN 1 AND 100),
  status           job_status   NOT NULL DEFAULT 'AVAILABLE',
  priority         integer      NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 1000),
  run_at           timestamptz  NOT NULL DEFAULT now(),
  attempt          integer      NOT NULL DEFAULT 0 CHECK (attempt >= 0),
  max_attempts     integer      NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
  backoff_type     backoff_type NOT NULL DEFAULT 'EXPONENTIAL',
  backoff_delay_ms integer      NOT NULL DEFAULT 2000 CHECK (backoff_delay_ms >= 0),
  backoff_max_ms   integer      NOT NULL DEFAULT 3600000,
  timeout_seconds  integer      CHECK (timeout_seconds > 0),
  lease_owner      text,
  lease_expires_at timestamptz,
  job_data         jsonb        NOT NULL DEFAULT '{}',
  job_options      jsonb,
  result           jsonb,
  last_error       text,
  created_at       timestamptz  NOT NULL DEFAULT now(),
  updated_at       timestamptz  NOT NULL DEFAULT now(),
  processed_at     timestamptz,
  finished_at      timestamptz,
  UNIQUE (id, task_id),
  CHECK (attempt <= max_attempts),
  CHECK (backoff_max_ms >= backoff_delay_ms),
  -- A running job always holds a lease, and no other job does.
  CHECK ((status = 'RUNNING') = (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL))
);
-- The claim: an index scan in queue-position order over claimable jobs only.
CREATE INDEX queue_jobs_claim_idx ON queue_jobs (queue_name, priority DESC, run_at, id) WHERE status = 'AVAILABLE';
CREATE INDEX queue_jobs_lease_idx ON queue_jobs (lease_expires_at) WHERE status = 'RUNNING';
CREATE UNIQUE INDEX queue_jobs_one_live_per_task ON queue_jobs (task_id) WHERE status IN ('AVAILABLE', 'RUNNING');
CREATE INDEX queue_jobs_task_idx ON queue_jobs (task_id);
CREATE INDEX queue_jobs_finished_idx ON queue_jobs (status, finished_at);
CREATE TRIGGER queue_jobs_set_updated_at BEFORE UPDATE ON queue_jobs FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE queue_jobs IS 'One queued run of a task. Queue position = priority DESC, run_at, id; it survives any restart.';
COMMENT ON COLUMN queue_jobs.id IS 'Identifier; increasing, so it breaks ties in creation order.';
COMMENT ON COLUMN queue_jobs.task_id IS 'The task this job runs.';
COMMENT ON COLUMN queue_jobs.queue_name IS 'Queue the job waits in.';
COMMENT ON COLUMN queue_jobs.status IS 'Lifecycle state (job_status).';
COMMENT ON COLUMN queue_jobs.priority IS 'Higher runs first. Task priorities map to 0 LOW, 1 MEDIUM, 2 HIGH, 3 CRITICAL; up to 1000 leaves room for finer ones.';
COMMENT ON COLUMN queue_jobs.run_at IS 'Not claimable before this time (scheduled start or retry backoff).';
COMMENT ON COLUMN queue_jobs.attempt IS 'Attempts started so far.';
COMMENT ON COLUMN queue_jobs.max_attempts IS 'Attempts allowed before the job fails for good.';
COMMENT ON COLUMN queue_jobs.backoff_type IS 'FIXED or EXPONENTIAL delay between attempts.';
COMMENT ON COLUMN queue_jobs.backoff_delay_ms IS 'Base delay before a retry, in milliseconds.';
COMMENT ON COLUMN queue_jobs.backoff_max_ms IS 'Upper bound of the retry delay, in milliseconds.';
COMMENT ON COLUMN queue_jobs.timeout_seconds IS 'An attempt running longer is killed and fails with TIMED_OUT.';
COMMENT ON COLUMN queue_jobs.lease_owner IS 'Worker or instance holding the running job.';
COMMENT ON COLUMN queue_jobs.lease_expires_at IS 'Heartbeats push this forward; once passed, the job returns to the queue.';
COMMENT ON COLUMN queue_jobs.job_data IS 'What the executor needs to run the task.';
COMMENT ON COLUMN queue_jobs.job_options IS 'Options the job was enqueued with.';
COMMENT ON COLUMN queue_jobs.result IS 'Result reported by the completing attempt.';
COMMENT ON COLUMN queue_jobs.last_error IS 'Error message of the last failed attempt.';
COMMENT ON COLUMN queue_jobs.created_at IS 'When the job was enqueued.';
COMMENT ON COLUMN queue_jobs.updated_at IS 'When the row last changed (maintained by trigger).';
COMMENT ON COLUMN queue_jobs.processed_at IS 'When the job was first claimed.';
COMMENT ON COLUMN queue_jobs.finished_at IS 'When the job reached COMPLETED, FAILED or CANCELLED.';

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

CREATE TABLE queue_health (
  id                    bigint              GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue_name            text                NOT NULL,
  recorded_at           timestamptz         NOT NULL DEFAULT now(),
  waiting               integer             NOT NULL DEFAULT 0 CHECK (waiting >= 0),
  active                integer             NOT NULL DEFAULT 0 CHECK (active >= 0),
  scheduled             integer             NOT NULL DEFAULT 0 CHECK (scheduled >= 0),
  failed                integer             NOT NULL DEFAULT 0 CHECK (failed >= 0),
  completed             integer             NOT NULL DEFAULT 0 CHECK (completed >= 0),
  throughput_per_minute double precision    NOT NULL DEFAULT 0 CHECK (throughput_per_minute >= 0),
  avg_wait_ms           double precision    CHECK (avg_wait_ms >= 0),
  p95_wait_ms           double precision    CHECK (p95_wait_ms >= 0),
  avg_run_ms            double precision    CHECK (avg_run_ms >= 0),
  oldest_waiting_age_ms bigint              CHECK (oldest_waiting_age_ms >= 0),
  status                queue_health_status NOT NULL,
  details               jsonb               NOT NULL DEFAULT '{}'
);
CREATE INDEX queue_health_queue_time_idx ON queue_health (queue_name, recorded_at DESC);
COMMENT ON TABLE queue_health IS 'Periodic snapshots of each queue: depth, throughput, latency and a health verdict.';
COMMENT ON COLUMN queue_health.id IS 'Identifier.';
COMMENT ON COLUMN queue_health.queue_name IS 'The queue measured.';
COMMENT ON COLUMN queue_health.recorded_at IS 'When the snapshot was taken.';
COMMENT ON COLUMN queue_health.waiting IS 'Jobs claimable now.';
COMMENT ON COLUMN queue_health.active IS 'Jobs running.';
COMMENT ON COLUMN queue_health.scheduled IS 'Jobs waiting for a future run_at.';
COMMENT ON COLUMN queue_health.failed IS 'Jobs failed in the last interval.';
COMMENT ON COLUMN queue_health.completed IS 'Jobs completed in the last interval.';
COMMENT ON COLUMN queue_health.throughput_per_minute IS 'Jobs finished per minute over the last interval.';
COMMENT ON COLUMN queue_health.avg_wait_ms IS 'Mean time from run_at to claim, in milliseconds.';
COMMENT ON COLUMN queue_health.p95_wait_ms IS '95th percentile of the wait, in milliseconds.';
COMMENT ON COLUMN queue_health.avg_run_ms IS 'Mean run time of finished attempts, in milliseconds.';
COMMENT ON COLUMN queue_health.oldest_waiting_age_ms IS 'Age of the oldest claimable job, in milliseconds.';
COMMENT ON COLUMN queue_health.status IS 'OK, DEGRADED or STALLED.';
COMMENT ON COLUMN queue_health.details IS 'Which thresholds were crossed, and other context.';
