-- Autovacuum visits tasks after 1 % of its rows were written or inserted instead of PostgreSQL's
-- 20 %: listings walk the sort indexes and read the table only for entries on pages not marked
-- all-visible (V24, V25), and a page loses the mark when anything is written into it, a new task
-- in its free space included. Right after the API bench's two minutes of mix only 920 of its
-- 100,000-task user's 5,215 pages were still marked, and that user's listings ran at 1,216/s
-- (p99 128 ms); with these settings autovacuum ran twice in the mix, 5,183 pages were marked and
-- the listings ran at 2,182/s (p99 75 ms), the mix's own figures unchanged (p95 46-47 ms). On a
-- million tasks a visit costs a pass over the pages written since the last one and, with dead
-- rows, over the indexes.
ALTER TABLE tasks SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01);
