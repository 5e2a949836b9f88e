package dev.taskforge.executions;

/**
 * The PostgreSQL enum execution_status. Where an execution is: INITIALIZING, RUNNING, then
 * COMPLETED, FAILED, CANCELLED, TIMED_OUT or LOST (its worker vanished).
 */
public enum ExecutionStatus {
  INITIALIZING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMED_OUT, LOST
}
