package dev.taskforge.results;

/**
 * The PostgreSQL enum result_status. Verdict of a task result.
 */
public enum ResultStatus {
  SUCCESS, PARTIAL, FAILURE
}
