-- Workflow runs: the version a run started with, and one row per step of a run naming its task.

ALTER TABLE workflow_executions
  ADD COLUMN workflow_version integer NOT NULL DEFAULT 1 CHECK (workflow_version >= 1);
COMMENT ON COLUMN workflow_executions.workflow_version IS 'The version of the workflow the run started with; later edits do not change it.';
-- The workflow engine's scan: runs that are not over yet, oldest change first.
CREATE INDEX workflow_executions_live_idx ON workflow_executions (updated_at) WHERE status IN ('PENDING', 'RUNNING');

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
