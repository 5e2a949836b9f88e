-- A small owner's tag filter looks the tag up among that owner's tasks only. tasks_tags_idx over
-- (owner_id, tags) keeps the two columns' entries apart: a tag's lookup reads its entries for every
-- user's tasks (a common tag: a seventh of a million bench tasks) and intersects them with the
-- owner's, 1.7-2 ms a listing. So the listings of owners of a hundred tasks read all of their rows
-- instead and kept the tagged ones: a third of PostgreSQL's time under the API bench's mix went to
-- that one listing. Each key of this index is a tag prefixed with its owner's id, so a lookup reads
-- the owner's tagged tasks and nothing else. tasks_tags_idx stays for owners of many tasks, whose
-- listings are planned per call on the statistics of the tags themselves.
--
-- PL/pgSQL rather than SQL: a SQL function with a subquery is not inlined and is planned again at
-- every call, on every insert and every listing (0.1-0.3 ms each).
CREATE FUNCTION task_owner_tags(owner_id uuid, tags text[]) RETURNS text[]
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  keys text[] := '{}';
  tag text;
BEGIN
  FOREACH tag IN ARRAY tags LOOP
    keys := keys || (owner_id::text || ':' || tag);
  END LOOP;
  RETURN keys;
END;
$$;
COMMENT ON FUNCTION task_owner_tags(uuid, text[]) IS
  'Each tag as owner_id:tag, the keys of tasks_owner_tags_idx (a uuid''s text is always 36 characters).';

-- Without the pending list (fastupdate): every lookup scans that whole list, which the queue's
-- status writes refill between vacuums (71 pages, 0.25 ms a lookup, on the bench's database); the
-- keys are spread over owners, so an insert writes one small posting list instead.
CREATE INDEX tasks_owner_tags_idx ON tasks USING gin (task_owner_tags(owner_id, tags)) WITH (fastupdate = off);
-- No statistics on the keys: with them a plan made for the owner's id saw its dozen tagged tasks,
-- the generic plan (made without the id) a default guess, and PostgreSQL planned the listing again
-- at every call for the plan the generic one is (0.9 ms of planning to 0.3 ms of running under the
-- API bench's mix). Without them both estimate alike and the connection keeps the generic plan.
ALTER INDEX tasks_owner_tags_idx ALTER COLUMN 1 SET STATISTICS 0;

-- Two GIN indexes no statement uses: no listing filters on metadata, and titles are searched
-- through the full-text document (tasks_search_idx), not by trigram. Each was written on every
-- insert and on every update that is not HOT (a task's status changes are not): dropping both gave
-- 8 % more single-row inserts (pgbench, 8 clients, 1.3 million tasks).
DROP INDEX tasks_metadata_idx;
DROP INDEX tasks_title_trgm_idx;
