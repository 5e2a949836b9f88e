-- Reverses V13__durable_cancel.sql.
ALTER TABLE queue_jobs DROP COLUMN cancel_requested_at;
