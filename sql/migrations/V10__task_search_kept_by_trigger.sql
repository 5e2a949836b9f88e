-- A task's search document is computed when its text changes, not on every update of its row.
--
-- As a stored generated column it was recomputed by every UPDATE of tasks, whatever the UPDATE
-- set: each claim and each completion ran to_tsvector over the whole title, description and
-- prompt again. With a prompt of a few kilobytes that was most of the queue's cost per job.
-- The column becomes a plain one (its values and its GIN index stay as they are), kept by a
-- trigger that fires on insert and only when title, description, prompt or search itself is
-- written. search stays derived: a value written into it directly is replaced by the computed one.

CREATE FUNCTION task_search_document(title text, description text, prompt text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') ||
           setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B') ||
           setweight(to_tsvector('english'::regconfig, coalesce(prompt, '')), 'C')
  $$;
COMMENT ON FUNCTION task_search_document(text, text, text) IS 'The full-text document of a task: title weighted A, description B, prompt C (english).';

CREATE FUNCTION tasks_refresh_search() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  NEW.search := task_search_document(NEW.title, NEW.description, NEW.prompt);
  RETURN NEW;
END $$;
COMMENT ON FUNCTION tasks_refresh_search() IS 'BEFORE INSERT/UPDATE trigger on tasks: sets search from title, description and prompt.';

ALTER TABLE tasks ALTER COLUMN search DROP EXPRESSION;
CREATE TRIGGER tasks_search_on_insert BEFORE INSERT ON tasks
  FOR EACH ROW EXECUTE FUNCTION tasks_refresh_search();
-- UPDATE OF fires only when the statement's SET names one of these columns; the queue's status
-- updates name none of them and leave the document (and its TOASTed value) untouched.
CREATE TRIGGER tasks_search_on_edit BEFORE UPDATE OF title, description, prompt, search ON tasks
  FOR EACH ROW EXECUTE FUNCTION tasks_refresh_search();
