-- Reverses V10__task_search_kept_by_trigger.sql: search is a stored generated column again.
DROP TRIGGER tasks_search_on_edit ON tasks;
DROP TRIGGER tasks_search_on_insert ON tasks;
DROP FUNCTION tasks_refresh_search();
DROP FUNCTION task_search_document(text, text, text);
ALTER TABLE tasks DROP COLUMN search;
ALTER TABLE tasks ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
  setweight(to_tsvector('english', coalesce(description, '')), 'B') ||
  setweight(to_tsvector('english', coalesce(prompt, '')), 'C')) STORED;
CREATE INDEX tasks_search_idx ON tasks USING gin (owner_id, search);
