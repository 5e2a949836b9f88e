package dev.taskforge.workflows;

/**
 * The PostgreSQL enum workflow_status. Whether a workflow may be run.
 */
public enum WorkflowStatus {
  DRAFT, ACTIVE, PAUSED, ARCHIVED
}
