-- Reverses V22__tag_index_without_pending_list.sql.
ALTER INDEX tasks_tags_idx RESET (fastupdate);
