-- Each of tasks' sort indexes carries the columns listings filter on (status, priority, tags), so
-- that an owner of many tasks finds a filtered page by walking the sort's index alone, reading
-- from the table only the rows of the page (TaskListing: the page's ids first, then its rows).
--
-- Before, the API bench's listing of two tags by priority over one user's 100,000 tasks read the
-- 1,300 tagged rows from 1,300 table pages and sorted them: 3.4 ms alone, 13 ms a call under 100
-- connections, nine tenths of PostgreSQL's time in those listings. Walking the priority index and
-- reading the tags from it: 1.1 ms alone, 1.5 ms under load (listings 1,076/s -> 1,707/s, p99
-- 138 -> 81 ms, on a vacuumed table). A page written into since the last vacuum (a new row or a
-- row's new version put in its free space) is not all-visible, and the walk reads its rows from
-- the table: right after the bench's two minutes of mix 40 % of that user's pages were, and the
-- listings went from 1,008-1,061/s to 1,162-1,218/s. The entries grow (a tag array each), the
-- count of index entries per write stays: under the API bench's mix creates cost what they did
-- (0.52 against 0.56 ms a statement); single-row inserts alone (pgbench) 3-5 % fewer.
--
-- Built one after the other, then swapped in by name: each build holds writes to tasks off for a
-- few seconds per million tasks.
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
