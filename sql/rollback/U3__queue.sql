-- Reverses V3__queue.sql.
DROP TABLE queue_health;
DROP TABLE job_attempts;
DROP TABLE queue_jobs;
DROP TYPE queue_health_status;
DROP TYPE attempt_outcome;
DROP TYPE backoff_type;
DROP TYPE job_status;
