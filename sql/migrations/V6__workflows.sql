-- Workflows: reusable DAGs of task templates, and their runs.

CREATE TYPE workflow_status AS ENUM ('DRAFT', 'ACTIVE', 'PAUSED', 'ARCHIVED');
COMMENT ON TYPE workflow_status IS 'Whether a workflow may be run.';
CREATE TYPE workflow_execution_status AS ENUM ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED');
COMMENT ON TYPE workflow_execution_status IS 'Where a workflow run is.';
CREATE TYPE step_error_policy AS ENUM ('FAIL', 'CONTINUE', 'RETRY');
COMMENT ON TYPE step_error_policy IS 'What a failed step does to its run: fail it, carry on, or retry the step.';

CREATE TABLE workflows (
  id              uuid            PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id        uuid            NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  project_id      uuid,
  name            text            NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 200),
  description     text,
  status          workflow_status NOT NULL DEFAULT 'DRAFT',
  trigger_type    text            NOT NULL DEFAULT 'manual',
  configuration   jsonb           NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(configuration) = 'object'),
  metadata        jsonb           NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  version         integer         NOT NULL DEFAULT 1 CHECK (version >= 1),
  execution_count integer         NOT NULL DEFAULT 0 CHECK (execution_count >= 0),
  success_count   integer         NOT NULL DEFAULT 0 CHECK (success_count >= 0),
  created_at      timestamptz     NOT NULL DEFAULT now(),
  updated_at      timestamptz     NOT NULL DEFAULT now(),
  UNIQUE (id, owner_id),
  FOREIGN KEY (project_id, owner_id) REFERENCES projects (id, owner_id) ON DELETE CASCADE,
  CHECK (success_count <= execution_count)
);
CREATE UNIQUE INDEX workflows_owner_name_key ON workflows (owner_id, lower(name));
CREATE INDEX workflows_owner_created_idx ON workflows (owner_id, created_at DESC);
CREATE TRIGGER workflows_set_updated_at BEFORE UPDATE ON workflows FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE workflows IS 'A reusable DAG of task templates that can be run again and again.';
COMMENT ON COLUMN workflows.id IS 'Opaque identifier.';
COMMENT ON COLUMN workflows.owner_id IS 'The user the workflow belongs to.';
COMMENT ON COLUMN workflows.project_id IS 'Project the workflow''s tasks are filed under, if any (same owner).';
COMMENT ON COLUMN workflows.name IS 'Name, unique per owner regardless of case.';
COMMENT ON COLUMN workflows.description IS 'Free text.';
COMMENT ON COLUMN workflows.status IS 'DRAFT, ACTIVE, PAUSED or ARCHIVED.';
COMMENT ON COLUMN workflows.trigger_type IS 'How runs start: manual, schedule, webhook...';
COMMENT ON COLUMN workflows.configuration IS 'Settings shared by every step (defaults for the tasks it creates).';
COMMENT ON COLUMN workflows.metadata IS 'Free structured data.';
COMMENT ON COLUMN workflows.version IS 'Incremented when the steps change.';
COMMENT ON COLUMN workflows.execution_count IS 'Runs started.';
COMMENT ON COLUMN workflows.success_count IS 'Runs completed successfully.';
COMMENT ON COLUMN workflows.created_at IS 'When the workflow was created.';
COMMENT ON COLUMN workflows.updated_at IS 'When the row last changed (maintained by trigger).';

CREATE TABLE workflow_steps (
  id              uuid              PRIMARY KEY DEFAULT gen_random_uuid(),
  workflow_id     uuid              NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  step_key        text              NOT NULL CHECK (step_key ~ '^[A-Za-z0-9_.-]{1,100}$'),
  position        integer           NOT NULL CHECK (position >= 0),
  name            text              NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 200),
  task_template   jsonb             NOT NULL CHECK (jsonb_typeof(task_template) = 'object'),
  depends_on      text[]            NOT NULL DEFAULT '{}',
  condition       jsonb,
  on_error        step_error_policy NOT NULL DEFAULT 'FAIL',
  timeout_seconds integer           CHECK (timeout_seconds > 0),
  created_at      timestamptz       NOT NULL DEFAULT now(),
  updated_at      timestamptz       NOT NULL DEFAULT now(),
  UNIQUE (workflow_id, step_key),
  UNIQUE (workflow_id, position),
  CHECK (NOT (step_key = ANY (depends_on)))
);
CREATE TRIGGER workflow_steps_set_updated_at BEFORE UPDATE ON workflow_steps FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE workflow_steps IS 'The steps of a workflow: each becomes a task when the workflow runs.';
COMMENT ON COLUMN workflow_steps.id IS 'Opaque identifier.';
COMMENT ON COLUMN workflow_steps.workflow_id IS 'The workflow the step belongs to.';
COMMENT ON COLUMN workflow_steps.step_key IS 'Name of the step within its workflow, used by depends_on.';
COMMENT ON COLUMN workflow_steps.position IS 'Display and tie-break order.';
COMMENT ON COLUMN workflow_steps.name IS 'Human-readable name.';
COMMENT ON COLUMN workflow_steps.task_template IS 'Title, prompt and config of the task the step creates.';
COMMENT ON COLUMN workflow_steps.depends_on IS 'Keys of the steps this one waits for (the DAG edges).';
COMMENT ON COLUMN workflow_steps.condition IS 'When to run the step (absent: always).';
COMMENT ON COLUMN workflow_steps.on_error IS 'FAIL, CONTINUE or RETRY when the step''s task fails.';
COMMENT ON COLUMN workflow_steps.timeout_seconds IS 'Time limit of the step''s task.';
COMMENT ON COLUMN workflow_steps.created_at IS 'When the step was created.';
COMMENT ON COLUMN workflow_steps.updated_at IS 'When the row last changed (maintained by trigger).';

CREATE TABLE workflow_executions (
  id              uuid                      PRIMARY KEY DEFAULT gen_random_uuid(),
  workflow_id     uuid                      NOT NULL,
  owner_id        uuid                      NOT NULL,
  status          workflow_execution_status NOT NULL DEFAULT 'PENDING',
  trigger_type    text                      NOT NULL DEFAULT 'manual',
  triggered_by    text,
  context         jsonb                     NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(context) = 'object'),
  total_tasks     integer                   NOT NULL DEFAULT 0 CHECK (total_tasks >= 0),
  completed_tasks integer                   NOT NULL DEFAULT 0 CHECK (completed_tasks >= 0),
  failed_tasks    integer                   NOT NULL DEFAULT 0 CHECK (failed_tasks >= 0),
  error_message   text,
  created_at      timestamptz               NOT NULL DEFAULT now(),
  updated_at      timestamptz               NOT NULL DEFAULT now(),
  started_at      timestamptz,
  completed_at    timestamptz,
  UNIQUE (id, owner_id),
  FOREIGN KEY (workflow_id, owner_id) REFERENCES workflows (id, owner_id) ON DELETE CASCADE,
  CHECK (completed_tasks + failed_tasks <= total_tasks),
  CHECK (completed_at IS NULL OR started_at IS NULL OR completed_at >= started_at)
);
CREATE INDEX workflow_executions_workflow_idx ON workflow_executions (workflow_id, created_at DESC);
CREATE INDEX workflow_executions_owner_status_idx ON workflow_executions (owner_id, status);
CREATE TRIGGER workflow_executions_set_updated_at BEFORE UPDATE ON workflow_executions FOR EACH ROW EXECUTE FUNCTION set_updated_at();
COMMENT ON TABLE workflow_executions IS 'One run of a workflow; its tasks point back at it.';
COMMENT ON COLUMN workflow_executions.id IS 'Opaque identifier.';
COMMENT ON COLUMN workflow_executions.workflow_id IS 'The workflow run.';
COMMENT ON COLUMN workflow_executions.owner_id IS 'Owner of the workflow and of the run.';
COMMENT ON COLUMN workflow_executions.status IS 'PENDING, RUNNING, COMPLETED, FAILED or CANCELLED.';
COMMENT ON COLUMN workflow_executions.trigger_type IS 'What started the run.';
COMMENT ON COLUMN workflow_executions.triggered_by IS 'Who or what started it.';
COMMENT ON COLUMN workflow_executions.context IS 'Inputs given to the run.';
COMMENT ON COLUMN workflow_executions.total_tasks IS 'Tasks the run created.';
COMMENT ON COLUMN workflow_executions.completed_tasks IS 'Of those, completed.';
COMMENT ON COLUMN workflow_executions.failed_tasks IS 'Of those, failed.';
COMMENT ON COLUMN workflow_executions.error_message IS 'Why the run failed.';
COMMENT ON COLUMN workflow_executions.created_at IS 'When the run was created.';
COMMENT ON COLUMN workflow_executions.updated_at IS 'When the row last changed (maintained by trigger).';
COMMENT ON COLUMN workflow_executions.started_at IS 'When its first task started.';
COMMENT ON COLUMN workflow_executions.completed_at IS 'When it reached a final state.';

ALTER TABLE tasks
  ADD COLUMN workflow_execution_id uuid,
  ADD COLUMN workflow_step_key text,
  ADD CONSTRAINT tasks_workflow_execution_fkey FOREIGN KEY (workflow_execution_id, owner_id)
    REFERENCES workflow_executions (id, owner_id) ON DELETE SET NULL (workflow_execution_id);
CREATE INDEX tasks_workflow_execution_idx ON tasks (workflow_execution_id) WHERE workflow_execution_id IS NOT NULL;
COMMENT ON COLUMN tasks.workflow_execution_id IS 'The workflow run that created the task, if any (same owner).';
COMMENT ON COLUMN tasks.workflow_step_key IS 'The workflow step the task was created for.';
