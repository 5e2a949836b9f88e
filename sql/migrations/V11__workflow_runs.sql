-- Workflow runs: the version a run started with, and one row per step of a run naming its task.

ALTER TABLE workflow_executions
  ADD COLUMN workflow_version integer NOT NULL DEFAULT 1 CHECK (workflow_version >= 1);
COMMENT ON COLUMN workflow_executions.workflow_version IS 'The version of the workflow the run started with; later edits do not change it.';
-- The workflow engine's scan: runs that are not over yet, oldest change first, and of each, its
-- tasks of a given status (unfinished, waiting for the engine, failed) without reading the others.
CREATE INDEX workflow_executions_live_idx ON workflow_executions (updated_at) WHERE status IN ('PENDING', 'RUNNING');
CREATE INDEX tasks_workflow_run_status_idx ON tasks (workflow_execution_id, status) WHERE workflow_execution_id IS NOT NULL;

CREATE TABLE workflow_run_steps (
  run_id          uuid              NOT NULL,
  owner_id        uuid              NOT NULL,
  step_key        text              NOT NULL,
  position        integer           NOT NULL CHECK (position >= 0),
  task_id         uuid              NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  depends_on      text[]            NOT NULL DEFAULT '{}',
  prompt_template text              NOT NULL,
  condition       jsonb,
  on_error        step_error_policy NOT NULL DEFAULT 'FAIL',
  held            boolean           NOT NULL DEFAULT false,
  skipped         boolean           NOT NULL DEFAULT false,
  released_at     timestamptz,
  wait_for        jsonb             CHECK (wait_for IS NULL OR jsonb_typeof(wait_for) = 'object'),
  wait_state      text              CHECK (wait_state IN ('WAITING', 'MET', 'TIMED_OUT')),
  wait_since      timestamptz,
  wait_checked_at timestamptz,
  wait_checks     integer           NOT NULL DEFAULT 0 CHECK (wait_checks >= 0),
  wait_result     text,
  PRIMARY KEY (run_id, step_key),
  UNIQUE (task_id),
  FOREIGN KEY (run_id, owner_id) REFERENCES workflow_executions (id, owner_id) ON DELETE CASCADE,
  CHECK (NOT skipped OR held)
);
COMMENT ON TABLE workflow_run_steps IS 'The steps of one workflow run as they were when it started, each with the task it runs as.';
COMMENT ON COLUMN workflow_run_steps.run_id IS 'The run.';
COMMENT ON COLUMN workflow_run_steps.owner_id IS 'Owner of the run (enforced by the composite key).';
COMMENT ON COLUMN workflow_run_steps.step_key IS 'The step''s key within its workflow.';
COMMENT ON COLUMN workflow_run_steps.position IS 'The step''s position in the workflow (display order).';
COMMENT ON COLUMN workflow_run_steps.task_id IS 'The task created for the step.';
COMMENT ON COLUMN workflow_run_steps.depends_on IS 'Keys of the steps it waits for.';
COMMENT ON COLUMN workflow_run_steps.prompt_template IS 'The prompt with its {{...}} placeholders, as the workflow stated it.';
COMMENT ON COLUMN workflow_run_steps.condition IS 'When to run the step (absent: always).';
COMMENT ON COLUMN workflow_run_steps.on_error IS 'FAIL, CONTINUE or RETRY when the step''s task fails.';
COMMENT ON COLUMN workflow_run_steps.held IS 'The task waits in PENDING for the workflow engine (it reads other steps'' results or has a condition), not for the queue.';
COMMENT ON COLUMN workflow_run_steps.skipped IS 'Its condition did not hold: the task was closed without running.';
COMMENT ON COLUMN workflow_run_steps.released_at IS 'When the engine filled in a held step''s prompt and queued it, or skipped it.';
COMMENT ON COLUMN workflow_run_steps.wait_for IS 'An external dependency checked before the step is queued: url, expectStatus, intervalSeconds, timeoutSeconds.';
COMMENT ON COLUMN workflow_run_steps.wait_state IS 'WAITING (being checked), MET (the url answered as expected) or TIMED_OUT; NULL before the wait began.';
COMMENT ON COLUMN workflow_run_steps.wait_since IS 'When the wait began.';
COMMENT ON COLUMN workflow_run_steps.wait_checked_at IS 'When the url was last asked (or is being asked).';
COMMENT ON COLUMN workflow_run_steps.wait_checks IS 'How many times the url was asked.';
COMMENT ON COLUMN workflow_run_steps.wait_result IS 'What the last check found: the status answered, or why there was none.';
CREATE INDEX workflow_run_steps_waiting_idx ON workflow_run_steps (wait_checked_at) WHERE wait_state = 'WAITING';

ALTER TABLE workflow_steps
  ADD COLUMN wait_for jsonb CHECK (wait_for IS NULL OR jsonb_typeof(wait_for) = 'object');
COMMENT ON COLUMN workflow_steps.wait_for IS 'An external dependency to check before the step''s task is queued: url, expectStatus, intervalSeconds, timeoutSeconds.';

-- Triggers: a cron schedule or a signed webhook starts runs; a run started by one carries its key.
CREATE TABLE workflow_triggers (
  id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  workflow_id   uuid        NOT NULL,
  owner_id      uuid        NOT NULL,
  type          text        NOT NULL CHECK (type IN ('cron', 'webhook', 'on-complete')),
  schedule      text        CHECK (length(schedule) <= 200),
  timezone      text        NOT NULL DEFAULT 'UTC',
  missed        text        NOT NULL DEFAULT 'latest' CHECK (missed IN ('latest', 'skip')),
  source_workflow_id uuid,
  source_task_id uuid,
  on_status     text        CHECK (on_status IN ('COMPLETED', 'FAILED', 'CANCELLED')),
  context       jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(context) = 'object'),
  secret        text,
  enabled       boolean     NOT NULL DEFAULT true,
  next_run_at   timestamptz,
  last_fired_at timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, owner_id),
  FOREIGN KEY (workflow_id, owner_id) REFERENCES workflows (id, owner_id) ON DELETE CASCADE,
  -- What an on-complete trigger watches is the owner's too, or it cannot be named at all.
  FOREIGN KEY (source_workflow_id, owner_id) REFERENCES workflows (id, owner_id) ON DELETE CASCADE,
  FOREIGN KEY (source_task_id, owner_id) REFERENCES tasks (id, owner_id) ON DELETE CASCADE,
  CHECK ((type = 'cron') = (schedule IS NOT NULL)),
  CHECK ((type = 'webhook') = (secret IS NOT NULL)),
  CHECK ((type = 'on-complete') = (num_nonnulls(source_workflow_id, source_task_id) = 1)),
  CHECK (type = 'on-complete' OR (source_workflow_id IS NULL AND source_task_id IS NULL AND on_status IS NULL))
);
CREATE INDEX workflow_triggers_workflow_idx ON workflow_triggers (workflow_id, created_at);
-- The scheduler's scan: enabled schedules by when they are next due.
CREATE INDEX workflow_triggers_due_idx ON workflow_triggers (next_run_at) WHERE type = 'cron' AND enabled;
CREATE INDEX workflow_triggers_on_complete_idx ON workflow_triggers (created_at) WHERE type = 'on-complete' AND enabled;
CREATE INDEX workflow_triggers_source_workflow_idx ON workflow_triggers (source_workflow_id) WHERE source_workflow_id IS NOT NULL;
CREATE INDEX workflow_triggers_source_task_idx ON workflow_triggers (source_task_id) WHERE source_task_id IS NOT NULL;
CREATE TRIGGER workflow_triggers_set_updated_at BEFORE UPDATE ON workflow_triggers FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE workflow_triggers IS 'What starts runs of a workflow besides a manual start: a cron schedule, a signed webhook, or the end of another run or task.';
COMMENT ON COLUMN workflow_triggers.id IS 'Opaque identifier; a webhook''s URL is /api/hooks/{id}.';
COMMENT ON COLUMN workflow_triggers.workflow_id IS 'The workflow it starts.';
COMMENT ON COLUMN workflow_triggers.owner_id IS 'Owner of the workflow (enforced by the composite key); runs start as them.';
COMMENT ON COLUMN workflow_triggers.type IS 'cron, webhook or on-complete.';
COMMENT ON COLUMN workflow_triggers.schedule IS 'A cron''s five-field schedule or @hourly/@daily/@weekly/@monthly.';
COMMENT ON COLUMN workflow_triggers.timezone IS 'Time zone the schedule is read in.';
COMMENT ON COLUMN workflow_triggers.missed IS 'A cron''s due times missed while no server ran: latest starts a run for the latest of them, skip starts none.';
COMMENT ON COLUMN workflow_triggers.source_workflow_id IS 'An on-complete trigger''s workflow: each end of one of its runs starts a run.';
COMMENT ON COLUMN workflow_triggers.source_task_id IS 'An on-complete trigger''s task: each end of it starts a run.';
COMMENT ON COLUMN workflow_triggers.on_status IS 'Only ends with this status (COMPLETED, FAILED, CANCELLED) start a run; absent: any end.';
COMMENT ON COLUMN workflow_triggers.context IS 'Context of the runs it starts (a webhook''s runs get the request body; an on-complete''s also get what ended).';
COMMENT ON COLUMN workflow_triggers.secret IS 'A webhook''s HMAC-SHA256 key, shown once when it is created.';
COMMENT ON COLUMN workflow_triggers.enabled IS 'Whether it starts runs.';
COMMENT ON COLUMN workflow_triggers.next_run_at IS 'A cron''s next due time.';
COMMENT ON COLUMN workflow_triggers.last_fired_at IS 'When it last started a run.';
COMMENT ON COLUMN workflow_triggers.created_at IS 'When the trigger was created.';
COMMENT ON COLUMN workflow_triggers.updated_at IS 'When the row last changed (maintained by trigger).';

-- trigger_id is no foreign key: tasks -> workflow_executions -> workflow_triggers -> tasks (an
-- on-complete trigger's source task) would close a cycle, and a cycle of foreign keys has no load
-- order, so a backup could not be restored. A deleted trigger leaves its runs naming it.
ALTER TABLE workflow_executions
  ADD COLUMN trigger_id uuid,
  ADD COLUMN trigger_key text,
  ADD CONSTRAINT workflow_executions_trigger_key UNIQUE (trigger_id, trigger_key);
COMMENT ON COLUMN workflow_executions.trigger_id IS 'The trigger that started the run, if any (kept when the trigger is deleted).';
COMMENT ON COLUMN workflow_executions.trigger_key IS 'What the trigger started it for (a cron''s due time, a webhook''s signature, the end of a run or task): unique per trigger, so each starts one run across all instances.';
