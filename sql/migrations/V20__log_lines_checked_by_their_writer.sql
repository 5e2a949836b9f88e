-- A log line's execution is made sure of by the one writer of lines, not row by row. Ingestion
-- locks every execution it writes for (FOR UPDATE, in id order) and reserves that execution's seqs
-- in the same transaction: the execution exists when the lines commit and cannot be deleted while
-- they are written. The foreign key looked the execution up again for every line (240,000 lines
-- inserted 600 a statement as ingestion does: 68,000-69,000 rows/s without it against
-- 52,000-64,000 with it, alternating runs on one machine).
-- Deleting executions still deletes their lines, as ON DELETE CASCADE did: one statement per
-- deleting statement, also when the delete cascades from a task, a user or a workflow run.
ALTER TABLE execution_logs DROP CONSTRAINT execution_logs_execution_id_fkey;

CREATE FUNCTION delete_lines_of_deleted_executions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM execution_logs l USING deleted_executions d WHERE l.execution_id = d.id;
  RETURN NULL;
END;
$$;

CREATE TRIGGER task_executions_deleted_lines AFTER DELETE ON task_executions
  REFERENCING OLD TABLE AS deleted_executions
  FOR EACH STATEMENT EXECUTE FUNCTION delete_lines_of_deleted_executions();

COMMENT ON COLUMN execution_logs.execution_id IS
  'The execution the line belongs to (its writer holds the execution''s row; deleting the execution deletes its lines).';
