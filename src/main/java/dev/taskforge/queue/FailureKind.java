package dev.taskforge.queue;

/**
 * How an attempt failed, which decides what becomes of its job: tried again after a backoff,
 * failed for good, or cancelled. (A cancel requested meanwhile ends the job CANCELLED whatever
 * the kind: {@link OutcomeSql#FAIL_MANY} reads that from the job itself.)
 */
public enum FailureKind {
  /** Another attempt may do better: the job waits out its backoff while attempts are left. */
  FAILED_RETRYABLE(true, false, "FAILED"),
  /** No attempt will do better (no such executor, a budget spent): the job fails now. */
  FAILED_FOR_GOOD(false, false, "FAILED"),
  /** The run outlived its timeout and was killed; it is tried again like a retryable failure. */
  TIMED_OUT(true, false, "TIMED_OUT"),
  /** The run was stopped on purpose: the job ends CANCELLED and its attempts left go unused. */
  CANCELLED(false, true, "CANCELLED"),
  /**
   * The agent refused to go on until its limit resets: not the job's failure. Recorded by
   * {@link OutcomeSql#RETRY_AFTER_RATE_LIMIT}, never by {@link OutcomeSql#FAIL_MANY}.
   */
  RATE_LIMITED(true, false, "FAILED");

  private final boolean retried;
  private final boolean cancels;
  private final String status;

  FailureKind(boolean retried, boolean cancels, String status) {
    this.retried = retried;
    this.cancels = cancels;
    this.status = status;
  }

  /** {@code #{retryable}} of {@link OutcomeSql#FAIL_MANY}: the job goes back to wait if attempts are left. */
  boolean retried() {
    return retried;
  }

  /** {@code #{cancelled}} of {@link OutcomeSql#FAIL_MANY}: the job ends CANCELLED. */
  boolean cancels() {
    return cancels;
  }

  /** The attempt's and the execution's status (execution_status), also the label of the failure's metric. */
  String status() {
    return status;
  }
}
