-- Executions of tasks, their logs, and what they produced.

CREATE TYPE execution_status AS ENUM ('INITIALIZING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT', 'LOST');
COMMENT ON TYPE execution_status IS 'Where an execution is: INITIALIZING, RUNNING, then COMPLETED, FAILED, CANCELLED, TIMED_OUT or LOST (its worker vanished).';
CREATE TYPE log_level AS ENUM ('TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL');
COMMENT ON TYPE log_level IS 'Severity of a log line.';
CREATE TYPE log_source AS ENUM ('STDOUT', 'STDERR', 'SYSTEM', 'AGENT', 'WORKER');
COMMENT ON TYPE log_source IS 'Where a log line came from: the process streams, Taskforge itself, the agent''s events, or an external worker.';
CREATE TYPE result_status AS ENUM ('SUCCESS', 'PARTIAL', 'FAILURE');
COMMENT ON TYPE result_status IS 'Verdict of a task result.';

CREATE TABLE task_executions (
  id             uuid             PRIMARY KEY DEFAULT gen_random_uuid(),
  task_id        uuid             NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  job_id         bigint,
  attempt_number integer          NOT NULL DEFAULT 1 CHECK (attempt_number >= 1),
  executor       text,
  status         execution_status NOT NULL DEFAULT 'INITIALIZING',
  progress       real             NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
  worker_id      text,
  process_id     text,
  session_id     text,
  exit_code      integer,
  cpu_usage      double precision CHECK (cpu_usage >= 0),
  memory_usage   bigint           CHECK (memory_usage >= 0),
  disk_usage     bigint           CHECK (disk_usage >= 0),
  error_message  text,
  error_code     text,
  stack_trace    text,
  retry_count    integer          NOT NULL DEFAULT 0 CHECK (retry_count >= 0),
  log_seq        bigint           NOT NULL DEFAULT 0 CHECK (log_seq >= 0),
  created_at     timestamptz      NOT NULL DEFAULT now(),
  updated_at     timestamptz      NOT NULL DEFAULT now(),
  started_at     timestamptz,
  completed_at   timestamptz,
  last_heartbeat timestamptz,
  -- Composite keys keep one task's history together: an execution's job is a job of the same
  -- task, and results and attempts below point at executions of their own task and job.
  UNIQUE (id, task_id),
  UNIQUE (id, job_id),
  FOREIGN KEY (job_id, task_id) REFERENCES queue_jobs (id, task_id) ON DELETE SET NULL (job_id),
  CHECK (completed_at IS NULL OR started_at IS NULL OR completed_at >= started_at)
);
CREATE INDEX task_executions_task_idx ON task_executions (task_id, created_at DESC);
CREATE INDEX task_executions_status_idx ON task_executions (status);
CREATE INDEX task_executions_live_worker_idx ON task_executions (worker_id) WHERE status IN ('INITIALIZING', 'RUNNING');
CREATE INDEX task_executions_started_idx ON task_executions (started_at);
CREATE INDEX task_executions_job_idx ON task_executions (job_id) WHERE job_id IS NOT NULL;
CREATE TRIGGER task_executions_set_updated_at BEFORE UPDATE ON task_executions FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE task_executions IS 'One run of a task by an executor, with its status, progress, resource use and errors.';
COMMENT ON COLUMN task_executions.id IS 'Opaque identifier.';
COMMENT ON COLUMN task_executions.task_id IS 'The task run.';
COMMENT ON COLUMN task_executions.job_id IS 'The queue job this execution is an attempt of.';
COMMENT ON COLUMN task_executions.attempt_number IS 'Which attempt of the job this is (1 first).';
COMMENT ON COLUMN task_executions.executor IS 'Name of the executor that ran it (claude, shell, an external worker...).';
COMMENT ON COLUMN task_executions.status IS 'Lifecycle state (execution_status).';
COMMENT ON COLUMN task_executions.progress IS 'Fraction done, from 0 to 1.';
COMMENT ON COLUMN task_executions.worker_id IS 'Worker or instance running it.';
COMMENT ON COLUMN task_executions.process_id IS 'Operating-system process id of the executor process.';
COMMENT ON COLUMN task_executions.session_id IS 'Agent session id (Claude Code session).';
COMMENT ON COLUMN task_executions.exit_code IS 'Exit code of the process, when it exited.';
COMMENT ON COLUMN task_executions.cpu_usage IS 'Peak CPU use of the process tree, percent of one core.';
COMMENT ON COLUMN task_executions.memory_usage IS 'Peak resident memory of the process tree, bytes.';
COMMENT ON COLUMN task_executions.disk_usage IS 'Bytes written under the execution''s working directory.';
COMMENT ON COLUMN task_executions.error_message IS 'Why it failed.';
COMMENT ON COLUMN task_executions.error_code IS 'Machine-readable failure code.';
COMMENT ON COLUMN task_executions.stack_trace IS 'Stack trace or stderr tail of the failure.';
COMMENT ON COLUMN task_executions.retry_count IS 'Retries that preceded this execution.';
COMMENT ON COLUMN task_executions.log_seq IS 'Last log sequence number allocated; log writers lock this row to keep seq gapless.';
COMMENT ON COLUMN task_executions.created_at IS 'When the execution was created (at claim).';
COMMENT ON COLUMN task_executions.updated_at IS 'When the row last changed (maintained by trigger).';
COMMENT ON COLUMN task_executions.started_at IS 'When the process started.';
COMMENT ON COLUMN task_executions.completed_at IS 'When it reached a final state.';
COMMENT ON COLUMN task_executions.last_heartbeat IS 'Time of the last heartbeat from its worker.';

ALTER TABLE job_attempts
  ADD CONSTRAINT job_attempts_execution_id_fkey FOREIGN KEY (execution_id, job_id)
    REFERENCES task_executions (id, job_id) ON DELETE SET NULL (execution_id);
CREATE INDEX job_attempts_execution_idx ON job_attempts (execution_id) WHERE execution_id IS NOT NULL;

CREATE TABLE execution_logs (
  execution_id   uuid        NOT NULL REFERENCES task_executions (id) ON DELETE CASCADE,
  seq            bigint      NOT NULL CHECK (seq >= 1),
  logged_at      timestamptz NOT NULL DEFAULT now(),
  level          log_level   NOT NULL DEFAULT 'INFO',
  source         log_source  NOT NULL DEFAULT 'SYSTEM',
  message        text        NOT NULL,
  details        jsonb,
  component      text,
  operation      text,
  correlation_id text,
  PRIMARY KEY (execution_id, seq, logged_at)
) PARTITION BY RANGE (logged_at);
CREATE INDEX execution_logs_correlation_idx ON execution_logs (correlation_id) WHERE correlation_id IS NOT NULL;
CREATE INDEX execution_logs_level_idx ON execution_logs (execution_id, level);
CREATE INDEX execution_logs_time_idx ON execution_logs USING brin (logged_at);
CREATE INDEX execution_logs_search_idx ON execution_logs USING gin (to_tsvector('simple', message));
COMMENT ON TABLE execution_logs IS 'Log lines of executions, numbered 1, 2, 3... per execution; partitioned by day of logged_at.';
COMMENT ON COLUMN execution_logs.execution_id IS 'The execution the line belongs to.';
COMMENT ON COLUMN execution_logs.seq IS 'Per-execution sequence number, gapless from 1.';
COMMENT ON COLUMN execution_logs.logged_at IS 'When the line was produced (the partition key).';
COMMENT ON COLUMN execution_logs.level IS 'Severity (log_level).';
COMMENT ON COLUMN execution_logs.source IS 'Origin (log_source).';
COMMENT ON COLUMN execution_logs.message IS 'The text of the line, ANSI escapes kept as they came.';
COMMENT ON COLUMN execution_logs.details IS 'Structured data attached to the line.';
COMMENT ON COLUMN execution_logs.component IS 'Component that produced the line.';
COMMENT ON COLUMN execution_logs.operation IS 'Operation under way when it was produced.';
COMMENT ON COLUMN execution_logs.correlation_id IS 'Ties lines of one request or tool call together.';

CREATE TABLE task_results (
  id                    uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
  task_id               uuid          NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  execution_id          uuid,
  status                result_status NOT NULL DEFAULT 'SUCCESS',
  summary               text,
  output                jsonb,
  execution_time_ms     bigint        CHECK (execution_time_ms >= 0),
  tokens_used           bigint        CHECK (tokens_used >= 0),
  input_tokens          bigint        CHECK (input_tokens >= 0),
  output_tokens         bigint        CHECK (output_tokens >= 0),
  cache_creation_tokens bigint        CHECK (cache_creation_tokens >= 0),
  cache_read_tokens     bigint        CHECK (cache_read_tokens >= 0),
  cost_estimate         numeric(14,6) CHECK (cost_estimate >= 0),
  session_id            text,
  num_turns             integer       CHECK (num_turns >= 0),
  created_at            timestamptz   NOT NULL DEFAULT now(),
  FOREIGN KEY (execution_id, task_id) REFERENCES task_executions (id, task_id) ON DELETE CASCADE
);
CREATE INDEX task_results_task_idx ON task_results (task_id, created_at DESC);
CREATE INDEX task_results_execution_idx ON task_results (execution_id) WHERE execution_id IS NOT NULL;
CREATE INDEX task_results_status_idx ON task_results (status);
COMMENT ON TABLE task_results IS 'What an execution produced: summary, structured output, tokens and cost.';
COMMENT ON COLUMN task_results.id IS 'Opaque identifier.';
COMMENT ON COLUMN task_results.task_id IS 'The task the result is for.';
COMMENT ON COLUMN task_results.execution_id IS 'The execution that produced it.';
COMMENT ON COLUMN task_results.status IS 'SUCCESS, PARTIAL or FAILURE.';
COMMENT ON COLUMN task_results.summary IS 'Final text of the run.';
COMMENT ON COLUMN task_results.output IS 'Structured output.';
COMMENT ON COLUMN task_results.execution_time_ms IS 'Run time in milliseconds.';
COMMENT ON COLUMN task_results.tokens_used IS 'All tokens used (input + output + cache).';
COMMENT ON COLUMN task_results.input_tokens IS 'Input tokens.';
COMMENT ON COLUMN task_results.output_tokens IS 'Output tokens.';
COMMENT ON COLUMN task_results.cache_creation_tokens IS 'Tokens written to the prompt cache.';
COMMENT ON COLUMN task_results.cache_read_tokens IS 'Tokens read from the prompt cache.';
COMMENT ON COLUMN task_results.cost_estimate IS 'Cost in US dollars as reported by the agent.';
COMMENT ON COLUMN task_results.session_id IS 'Agent session id.';
COMMENT ON COLUMN task_results.num_turns IS 'Agent turns taken.';
COMMENT ON COLUMN task_results.created_at IS 'When the result was recorded.';

CREATE TABLE result_files (
  id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  result_id    uuid        NOT NULL REFERENCES task_results (id) ON DELETE CASCADE,
  path         text        NOT NULL CHECK (length(path) BETWEEN 1 AND 4096 AND path !~ '^/' AND path !~ '(^|/)\.\.(/|$)'),
  content_type text        NOT NULL DEFAULT 'application/octet-stream',
  size_bytes   bigint      NOT NULL CHECK (size_bytes >= 0),
  sha256       text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content      bytea,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (result_id, path),
  CHECK (content IS NULL OR octet_length(content) = size_bytes)
);
COMMENT ON TABLE result_files IS 'Files an execution wrote under its output directory.';
COMMENT ON COLUMN result_files.id IS 'Opaque identifier.';
COMMENT ON COLUMN result_files.result_id IS 'The result the file belongs to.';
COMMENT ON COLUMN result_files.path IS 'Path relative to the output directory; never absolute, never "..".';
COMMENT ON COLUMN result_files.content_type IS 'Media type.';
COMMENT ON COLUMN result_files.size_bytes IS 'Size in bytes.';
COMMENT ON COLUMN result_files.sha256 IS 'SHA-256 of the content, lower-case hex (also the ETag).';
COMMENT ON COLUMN result_files.content IS 'The bytes.';
COMMENT ON COLUMN result_files.created_at IS 'When the file was recorded.';
