package dev.taskforge.workflows;

/**
 * The PostgreSQL enum step_error_policy. What a failed step does to its run: fail it, carry on,
 * or retry the step.
 */
public enum StepErrorPolicy {
  FAIL, CONTINUE, RETRY
}
