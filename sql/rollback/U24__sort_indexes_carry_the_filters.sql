-- Reverses V24__sort_indexes_carry_the_filters.sql: the sort indexes as V2 made them.
CREATE INDEX tasks_owner_priority_plain_idx ON tasks (owner_id, priority, id DESC);
DROP INDEX tasks_owner_priority_idx;
ALTER INDEX tasks_owner_priority_plain_idx RENAME TO tasks_owner_priority_idx;

CREATE INDEX tasks_owner_created_plain_idx ON tasks (owner_id, created_at DESC, id);
DROP INDEX tasks_owner_created_idx;
ALTER INDEX tasks_owner_created_plain_idx RENAME TO tasks_owner_created_idx;

CREATE INDEX tasks_owner_updated_plain_idx ON tasks (owner_id, updated_at DESC, id);
DROP INDEX tasks_owner_updated_idx;
ALTER INDEX tasks_owner_updated_plain_idx RENAME TO tasks_owner_updated_idx;

CREATE INDEX tasks_owner_title_plain_idx ON tasks (owner_id, title, id DESC);
DROP INDEX tasks_owner_title_idx;
ALTER INDEX tasks_owner_title_plain_idx RENAME TO tasks_owner_title_idx;
