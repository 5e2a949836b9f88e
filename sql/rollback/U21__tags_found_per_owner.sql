-- Reverses V21__tags_found_per_owner.sql.
DROP INDEX tasks_owner_tags_idx;
DROP FUNCTION task_owner_tags(uuid, text[]);
CREATE INDEX tasks_metadata_idx ON tasks USING gin (owner_id, metadata jsonb_path_ops);
CREATE INDEX tasks_title_trgm_idx ON tasks USING gin (owner_id, title gin_trgm_ops);
