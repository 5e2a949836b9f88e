package dev.taskforge.queue;

/**
 * The PostgreSQL enum task_status. Where a task is in its life: PENDING (not yet queued:
 * scheduled later or just created), BLOCKED (waits on dependencies), QUEUED, RUNNING, then
 * COMPLETED, FAILED or CANCELLED.
 */
public enum TaskStatus {
  PENDING, BLOCKED, QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED
}
