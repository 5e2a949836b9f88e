-- Reverses V25__sort_indexes_carry_tag_bits.sql: the sort indexes as V24 made them, no tag bits.
CREATE INDEX tasks_owner_priority_covering_idx ON tasks (owner_id, priority, id DESC) INCLUDE (status, tags);
DROP INDEX tasks_owner_priority_idx;
ALTER INDEX tasks_owner_priority_covering_idx RENAME TO tasks_owner_priority_idx;

CREATE INDEX tasks_owner_created_covering_idx ON tasks (owner_id, created_at DESC, id) INCLUDE (status, priority, tags);
DROP INDEX tasks_owner_created_idx;
ALTER INDEX tasks_owner_created_covering_idx RENAME TO tasks_owner_created_idx;

CREATE INDEX tasks_owner_updated_covering_idx ON tasks (owner_id, updated_at DESC, id) INCLUDE (status, priority, tags);
DROP INDEX tasks_owner_updated_idx;
ALTER INDEX tasks_owner_updated_covering_idx RENAME TO tasks_owner_updated_idx;

CREATE INDEX tasks_owner_title_covering_idx ON tasks (owner_id, title, id DESC) INCLUDE (status, priority, tags);
DROP INDEX tasks_owner_title_idx;
ALTER INDEX tasks_owner_title_covering_idx RENAME TO tasks_owner_title_idx;

DROP FUNCTION task_tag_bits(text[]);
