package dev.taskforge.queue;

/**
 * The PostgreSQL enum job_status. AVAILABLE (claimable once run_at has passed), RUNNING (leased),
 * then COMPLETED, FAILED or CANCELLED.
 */
public enum JobStatus {
  AVAILABLE, RUNNING, COMPLETED, FAILED, CANCELLED
}
