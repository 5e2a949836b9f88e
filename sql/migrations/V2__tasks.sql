-- Tasks, their subtask hierarchy and the dependencies between them.

CREATE TYPE task_status AS ENUM ('PENDING', 'BLOCKED', 'QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED');
COMMENT ON TYPE task_status IS 'Where a task is in its life: PENDING (not yet queued: scheduled later or just created), BLOCKED (waits on dependencies), QUEUED, RUNNING, then COMPLETED, FAILED or CANCELLED.';
CREATE TYPE task_priority AS ENUM ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL');
COMMENT ON TYPE task_priority IS 'Queue priority; CRITICAL runs first.';
CREATE TYPE dependency_type AS ENUM ('BLOCKS', 'REQUIRES', 'SUGGESTS');
COMMENT ON TYPE dependency_type IS 'BLOCKS: waits until the other completes; REQUIRES: waits, and fails if the other fails or is cancelled; SUGGESTS: informational only.';

CREATE TABLE tasks (
  id                 uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id           uuid          NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  project_id         uuid,
  parent_id          uuid,
  position           integer       NOT NULL DEFAULT 0 CHECK (position >= 0),
  title              text          NOT NULL CHECK (btrim(title) <> '' AND length(title) <= 500),
  description        text          CHECK (length(description) <= 20000),
  prompt             text          NOT NULL CHECK (btrim(prompt) <> '' AND length(prompt) <= 1000000),
  config             jsonb         NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(config) = 'object'),
  status             task_status   NOT NULL DEFAULT 'PENDING',
  priority           task_priority NOT NULL DEFAULT 'MEDIUM',
  tags               text[]        NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 50),
  metadata           jsonb         NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  estimated_duration integer       CHECK (estimated_duration > 0),
  actual_duration    integer       CHECK (actual_duration >= 0),
  version            integer       NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at         timestamptz   NOT NULL DEFAULT now(),
  updated_at         timestamptz   NOT NULL DEFAULT now(),
  scheduled_at       timestamptz,
  started_at         timestamptz,
  completed_at       timestamptz,
  search             tsvector      GENERATED ALWAYS AS (
                       setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
                       setweight(to_tsvector('english', coalesce(description, '')), 'B') ||
                       setweight(to_tsvector('english', coalesce(prompt, '')), 'C')) STORED,
  UNIQUE (id, owner_id),
  -- Composite keys: a task can never point at another user's project or parent.
  FOREIGN KEY (project_id, owner_id) REFERENCES projects (id, owner_id) ON DELETE CASCADE,
  FOREIGN KEY (parent_id, owner_id) REFERENCES tasks (id, owner_id) ON DELETE CASCADE,
  CHECK (parent_id <> id),
  CHECK (completed_at IS NULL OR started_at IS NULL OR completed_at >= started_at)
);
CREATE INDEX tasks_owner_status_idx ON tasks (owner_id, status, created_at DESC, id);
-- Listing sorts by one key with the id as tie-breaker in the opposite direction, so each of
-- these serves both directions (forward or backward scan) of its keyset pagination.
CREATE INDEX tasks_owner_priority_idx ON tasks (owner_id, priority, id DESC);
CREATE INDEX tasks_owner_title_idx ON tasks (owner_id, title, id DESC);
CREATE INDEX tasks_owner_created_idx ON tasks (owner_id, created_at DESC, id);
CREATE INDEX tasks_owner_updated_idx ON tasks (owner_id, updated_at DESC, id);
CREATE INDEX tasks_project_idx ON tasks (project_id) WHERE project_id IS NOT NULL;
CREATE INDEX tasks_parent_idx ON tasks (parent_id, position) WHERE parent_id IS NOT NULL;
-- Every listing is scoped by owner: btree_gin lets owner_id lead the GIN indexes, so a filter on
-- tags, metadata, text or title intersects with the owner's rows inside the index. A GIN index on
-- several columns still serves a condition on any one of them (e.g. an admin query without owner).
CREATE INDEX tasks_tags_idx ON tasks USING gin (owner_id, tags);
CREATE INDEX tasks_metadata_idx ON tasks USING gin (owner_id, metadata jsonb_path_ops);
CREATE INDEX tasks_search_idx ON tasks USING gin (owner_id, search);
CREATE INDEX tasks_title_trgm_idx ON tasks USING gin (owner_id, title gin_trgm_ops);
CREATE INDEX tasks_scheduled_idx ON tasks (scheduled_at) WHERE status = 'PENDING' AND scheduled_at IS NOT NULL;
CREATE TRIGGER tasks_bump_version BEFORE UPDATE ON tasks FOR EACH ROW EXECUTE FUNCTION bump_version();
COMMENT ON TABLE tasks IS 'Agent tasks: a prompt and its configuration, with subtasks (parent_id) and dependencies.';
COMMENT ON COLUMN tasks.id IS 'Opaque identifier.';
COMMENT ON COLUMN tasks.owner_id IS 'The user the task belongs to; every query is scoped by it.';
COMMENT ON COLUMN tasks.project_id IS 'Project the task is filed under, if any (same owner).';
COMMENT ON COLUMN tasks.parent_id IS 'Parent task of a subtask (same owner); NULL for a root task.';
COMMENT ON COLUMN tasks.position IS 'Order among the parent''s subtasks.';
COMMENT ON COLUMN tasks.title IS 'Short, non-blank title.';
COMMENT ON COLUMN tasks.description IS 'Longer free text.';
COMMENT ON COLUMN tasks.prompt IS 'The prompt or command given to the executor.';
COMMENT ON COLUMN tasks.config IS 'Execution settings: executor, queue, timeoutSeconds, maxAttempts, backoff.';
COMMENT ON COLUMN tasks.status IS 'Lifecycle state (task_status).';
COMMENT ON COLUMN tasks.priority IS 'Queue priority (task_priority).';
COMMENT ON COLUMN tasks.tags IS 'Free labels for filtering.';
COMMENT ON COLUMN tasks.metadata IS 'Free structured data for the user''s own use.';
COMMENT ON COLUMN tasks.estimated_duration IS 'Expected run time in seconds.';
COMMENT ON COLUMN tasks.actual_duration IS 'Measured run time in seconds of the completing execution.';
COMMENT ON COLUMN tasks.version IS 'Optimistic-locking version, incremented by trigger on every update (ETag / If-Match).';
COMMENT ON COLUMN tasks.created_at IS 'When the task was created.';
COMMENT ON COLUMN tasks.updated_at IS 'When the row last changed (maintained by trigger).';
COMMENT ON COLUMN tasks.scheduled_at IS 'Not to start before this time.';
COMMENT ON COLUMN tasks.started_at IS 'When the first execution started.';
COMMENT ON COLUMN tasks.completed_at IS 'When the task reached a final state.';
COMMENT ON COLUMN tasks.search IS 'Full-text document over title (A), description (B) and prompt (C).';

-- A subtask tree must stay a tree: moving a task under one of its own descendants is refused.
-- Moves within one owner are serialised (same advisory lock as dependencies) so two concurrent
-- moves cannot each close half of a loop.
CREATE FUNCTION reject_parent_cycle() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('taskforge.task_dependencies:' || NEW.owner_id::text, 0));
  IF EXISTS (
    WITH RECURSIVE ancestors (id) AS (
      SELECT NEW.parent_id
      UNION
      SELECT t.parent_id FROM tasks t JOIN ancestors a ON t.id = a.id WHERE t.parent_id IS NOT NULL
    )
    SELECT 1 FROM ancestors WHERE id = NEW.id
  ) THEN
    RAISE EXCEPTION USING
      ERRCODE = 'TF002',
      MESSAGE = 'task ' || NEW.id || ' cannot become a subtask of its own descendant ' || NEW.parent_id,
      HINT    = 'move the descendant out first';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION reject_parent_cycle() IS 'BEFORE UPDATE OF parent_id trigger on tasks: raises SQLSTATE TF002 when the new parent is the task itself or one of its descendants.';
CREATE TRIGGER tasks_no_parent_cycle BEFORE UPDATE OF parent_id ON tasks
  FOR EACH ROW WHEN (NEW.parent_id IS NOT NULL AND NEW.parent_id IS DISTINCT FROM OLD.parent_id)
  EXECUTE FUNCTION reject_parent_cycle();

CREATE TABLE task_dependencies (
  task_id       uuid            NOT NULL,
  depends_on_id uuid            NOT NULL,
  owner_id      uuid            NOT NULL,
  type          dependency_type NOT NULL DEFAULT 'BLOCKS',
  created_at    timestamptz     NOT NULL DEFAULT now(),
  PRIMARY KEY (task_id, depends_on_id),
  CHECK (task_id <> depends_on_id),
  FOREIGN KEY (task_id, owner_id) REFERENCES tasks (id, owner_id) ON DELETE CASCADE,
  FOREIGN KEY (depends_on_id, owner_id) REFERENCES tasks (id, owner_id) ON DELETE CASCADE
);
CREATE INDEX task_dependencies_depends_on_idx ON task_dependencies (depends_on_id);
COMMENT ON TABLE task_dependencies IS 'Edges "task_id depends on depends_on_id" between tasks of one owner; never cyclic.';
COMMENT ON COLUMN task_dependencies.task_id IS 'The dependent task.';
COMMENT ON COLUMN task_dependencies.depends_on_id IS 'The task it depends on.';
COMMENT ON COLUMN task_dependencies.owner_id IS 'Owner of both tasks (enforced by the composite keys).';
COMMENT ON COLUMN task_dependencies.type IS 'BLOCKS, REQUIRES or SUGGESTS.';
COMMENT ON COLUMN task_dependencies.created_at IS 'When the dependency was added.';

-- Rejects an edge that would close a cycle, with SQLSTATE TF001 and the cycle in the message.
-- Insertions for one owner are serialised by an advisory lock, so that two concurrent transactions
-- cannot each add half of a cycle (edges never cross owners, so other owners are not held up).
-- Under READ COMMITTED (the server's level) each statement below takes a fresh snapshot once the
-- lock is granted, so it sees the edges the previous holder committed; under SERIALIZABLE the
-- predicate locks catch the race. A REPEATABLE READ snapshot is older than the lock, so at that
-- level a transaction that has to wait for the lock fails with 40001 (retry) instead; one whose
-- snapshot was taken before another's edges committed is not covered: use READ COMMITTED.
-- The check is a recursive walk from the new edge's target; UNION (not UNION ALL) keeps each task
-- once, so it stops on revisits and stays linear in the edges reachable, however many paths lead
-- to a task, and it stops as soon as the new edge's source is found. Only when there is a cycle,
-- a breadth-first walk with parent pointers recovers one shortest cycle to name in the error.
-- On UPDATE the row's old version is still visible; it is left out of both walks.
CREATE FUNCTION reject_dependency_cycle() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  lock_key   bigint := hashtextextended('taskforge.task_dependencies:' || NEW.owner_id::text, 0);
  old_task   uuid := CASE WHEN TG_OP = 'UPDATE' THEN OLD.task_id END;
  old_target uuid := CASE WHEN TG_OP = 'UPDATE' THEN OLD.depends_on_id END;
  visited    uuid[];
  parents    uuid[];
  frontier   uuid[];
  next_nodes   uuid[];
  next_parents uuid[];
  node  uuid;
  cycle uuid[];
BEGIN
  IF NEW.task_id = NEW.depends_on_id THEN
    RETURN NEW; -- no cycle through other tasks: the CHECK constraint rejects it as bad input (23514)
  END IF;
  IF NOT pg_try_advisory_xact_lock(lock_key) THEN
    IF current_setting('transaction_isolation') = 'repeatable read' THEN
      RAISE EXCEPTION USING
        ERRCODE = 'serialization_failure',
        MESSAGE = 'the dependencies of this owner are being changed by another transaction',
        HINT    = 'retry the transaction';
    END IF;
    PERFORM pg_advisory_xact_lock(lock_key);
  END IF;

  IF NOT EXISTS (
    WITH RECURSIVE reachable (task_id) AS (
      SELECT NEW.depends_on_id
      UNION
      -- OFFSET 0 keeps the lateral subquery from being flattened into a join, so each step is
      -- one primary-key probe instead of a hash join over the whole table per step.
      SELECT d.depends_on_id
        FROM reachable r
       CROSS JOIN LATERAL (SELECT e.depends_on_id
                             FROM task_dependencies e
                            WHERE e.task_id = r.task_id
                              AND (e.task_id, e.depends_on_id) IS DISTINCT FROM (old_task, old_target)
                           OFFSET 0) d
    )
    SELECT 1 FROM reachable WHERE task_id = NEW.task_id
  ) THEN
    RETURN NEW;
  END IF;

  -- There is a cycle: walk again, breadth first, remembering for each task the one we came from.
  visited  := ARRAY[NEW.depends_on_id];
  parents  := ARRAY[NEW.task_id];
  frontier := ARRAY[NEW.depends_on_id];
  WHILE NOT (NEW.task_id = ANY (visited)) AND cardinality(frontier) > 0 LOOP
    SELECT coalesce(array_agg(e.depends_on_id), '{}'), coalesce(array_agg(e.task_id), '{}')
      INTO next_nodes, next_parents
      FROM (SELECT DISTINCT ON (d.depends_on_id) d.depends_on_id, d.task_id
              FROM task_dependencies d
             WHERE d.task_id = ANY (frontier)
               AND NOT (d.depends_on_id = ANY (visited))
               AND (d.task_id, d.depends_on_id) IS DISTINCT FROM (old_task, old_target)
             ORDER BY d.depends_on_id, d.task_id) e;
    visited  := visited || next_nodes;
    parents  := parents || next_parents;
    frontier := next_nodes;
  END LOOP;
  -- Follow the parent pointers back from the task to the new edge: task -> dep -> ... -> task.
  cycle := ARRAY[NEW.task_id];
  node := parents[array_position(visited, NEW.task_id)];
  WHILE node <> NEW.task_id LOOP
    cycle := node || cycle;
    node := parents[array_position(visited, node)];
  END LOOP;
  cycle := NEW.task_id || cycle;
  RAISE EXCEPTION USING
    ERRCODE = 'TF001',
    MESSAGE = 'dependency cycle: ' || array_to_string(cycle, ' -> '),
    DETAIL  = to_jsonb(cycle)::text,
    HINT    = 'remove one of the dependencies in the cycle';
END
$$;
COMMENT ON FUNCTION reject_dependency_cycle() IS 'BEFORE INSERT/UPDATE trigger on task_dependencies: raises SQLSTATE TF001 when the edge would close a cycle; MESSAGE names the cycle (task -> ... -> task), DETAIL gives it as a JSON array of ids.';
CREATE TRIGGER task_dependencies_no_cycle BEFORE INSERT OR UPDATE OF task_id, depends_on_id, owner_id ON task_dependencies
  FOR EACH ROW EXECUTE FUNCTION reject_dependency_cycle();
