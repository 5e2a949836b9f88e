-- Each of tasks' sort indexes also carries its row's tags as 64 bits (a tag sets one bit, chosen by
-- the first byte of its SHA-256), so that a large owner's walk of a sort index (TaskListing.walk)
-- tests a tag filter on one bigint and compares the arrays only for the entries whose bits hold
-- every tag asked for. Comparing the arrays at every entry cost as much as the walk itself: 5,100
-- entries of the 100,000-task bench user, walked and tested, 1.06 ms against 0.55 ms untested;
-- tested on the bits first, 0.66 ms. A tag always sets its bit, so the bits never drop a match; a
-- row whose tags set the asked-for bits without carrying the tags is dropped by the arrays.
--
-- The bits are an index expression, not a column: no table rewrite, and a task written computes
-- them once per sort index (four PL/pgSQL calls of a few microseconds). SHA-256 rather than a hash
-- function of PostgreSQL's own: the same tag must give the same bit across major versions, or an
-- index would drop matches after an upgrade. The hash is of the tag's UTF-8 bytes (convert_to: a
-- cast to bytea would read backslashes in the tag as escapes).
CREATE FUNCTION task_tag_bits(tags text[]) RETURNS bigint
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
  tag text;
  bits bigint := 0;
BEGIN
  IF tags IS NULL THEN
    RETURN 0;
  END IF;
  FOREACH tag IN ARRAY tags LOOP
    IF tag IS NOT NULL THEN
      bits := bits | (1::bigint << (get_byte(sha256(convert_to(tag, 'UTF8')), 0) % 64));
    END IF;
  END LOOP;
  RETURN bits;
END
$$;

COMMENT ON FUNCTION task_tag_bits(text[]) IS
  'The tags as 64 bits, one per tag (by its SHA-256): a cheap first test of a tag filter in the sort indexes.';

-- Built one after the other, then swapped in by name, as V24 did.
CREATE INDEX tasks_owner_priority_bits_idx ON tasks (owner_id, priority, id DESC, task_tag_bits(tags))
  INCLUDE (status, tags);
DROP INDEX tasks_owner_priority_idx;
ALTER INDEX tasks_owner_priority_bits_idx RENAME TO tasks_owner_priority_idx;

CREATE INDEX tasks_owner_created_bits_idx ON tasks (owner_id, created_at DESC, id, task_tag_bits(tags))
  INCLUDE (status, priority, tags);
DROP INDEX tasks_owner_created_idx;
ALTER INDEX tasks_owner_created_bits_idx RENAME TO tasks_owner_created_idx;

CREATE INDEX tasks_owner_updated_bits_idx ON tasks (owner_id, updated_at DESC, id, task_tag_bits(tags))
  INCLUDE (status, priority, tags);
DROP INDEX tasks_owner_updated_idx;
ALTER INDEX tasks_owner_updated_bits_idx RENAME TO tasks_owner_updated_idx;

CREATE INDEX tasks_owner_title_bits_idx ON tasks (owner_id, title, id DESC, task_tag_bits(tags))
  INCLUDE (status, priority, tags);
DROP INDEX tasks_owner_title_idx;
ALTER INDEX tasks_owner_title_bits_idx RENAME TO tasks_owner_title_idx;
