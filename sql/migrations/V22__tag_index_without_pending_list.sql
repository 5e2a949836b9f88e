-- The (owner_id, tags) GIN index writes straight into its entries, as tasks_owner_tags_idx does.
-- With a pending list (fastupdate) every lookup scans the whole list, which the tasks' inserts and
-- status writes refill between vacuums: after the API bench's two minutes of mix it held 158 pages
-- (21,000 entries), and the listings of the user with 100,000 tasks that look tags up in it took
-- 15-18 ms instead of 4.5-7.6. Each task adds three entries here (its owner and two tags in the
-- bench), so writing them at once costs inserts nothing measurable (pgbench, 8 clients:
-- 4,390-4,810 inserts/s with the list, 4,700-4,900 without).
ALTER INDEX tasks_tags_idx SET (fastupdate = off);
SELECT gin_clean_pending_list('tasks_tags_idx');
