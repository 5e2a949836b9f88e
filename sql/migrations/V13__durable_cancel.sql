-- Cancelling a running job is recorded on the job, not only announced.
--
-- A NOTIFY reaches only the sessions listening at that moment: a dispatcher reconnecting, or an
-- external worker between two requests, missed it and ran the job to its end. The request is now
-- kept on the row; every heartbeat reads it (the built-in dispatcher stops the process, an external
-- worker is told to stop), an attempt ending with it set ends CANCELLED whatever it reports, and a
-- job whose holder died with it set is cancelled by the reaper instead of queued again.
ALTER TABLE queue_jobs ADD COLUMN cancel_requested_at timestamptz;
COMMENT ON COLUMN queue_jobs.cancel_requested_at IS 'When a cancel of the running job was requested (null: never). The holder learns it at its next heartbeat; the job then ends CANCELLED.';
