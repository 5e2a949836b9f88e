package dev.taskforge.workflows;

/**
 * The PostgreSQL enum workflow_execution_status. Where a workflow run is.
 */
public enum WorkflowExecutionStatus {
  PENDING, RUNNING, COMPLETED, FAILED, CANCELLED
}
