-- Queue and agent controls: unique jobs, paused queues, monthly project budgets.
--
-- A unique job is a task whose config names a uniqueKey: creating another with the same key while
-- one is live (or finished within its uniqueForSeconds) answers the existing task. The lookup is
-- made under an advisory lock of (owner, key) in the creating transaction; this index makes it one
-- probe however many tasks the owner has.
CREATE INDEX tasks_unique_key_idx ON tasks (owner_id, (config ->> 'uniqueKey'), created_at DESC)
  WHERE config ? 'uniqueKey';

-- A paused queue keeps its jobs where they are; no claimer takes any until it is resumed. The
-- claimers read this table (a handful of rows at most) once per claim round.
CREATE TABLE queue_pauses (
  queue_name text PRIMARY KEY CHECK (length(queue_name) BETWEEN 1 AND 100),
  paused_at timestamptz NOT NULL DEFAULT now(),
  paused_by uuid REFERENCES users (id) ON DELETE SET NULL
);
COMMENT ON TABLE queue_pauses IS 'Queues paused by an admin: nothing is claimed from them until they are resumed.';
COMMENT ON COLUMN queue_pauses.queue_name IS 'The paused queue.';
COMMENT ON COLUMN queue_pauses.paused_at IS 'When it was paused.';
COMMENT ON COLUMN queue_pauses.paused_by IS 'The admin who paused it (null once that account is gone).';

ALTER TABLE projects ADD COLUMN monthly_budget_usd numeric(12, 2) CHECK (monthly_budget_usd >= 0);
COMMENT ON COLUMN projects.monthly_budget_usd IS 'What the project''s task runs may cost per UTC calendar month (null: no limit); once spent, new runs are refused.';
