package dev.taskforge.queue;

/**
 * The PostgreSQL enum backoff_type. How the delay before a retry grows: FIXED stays the same,
 * EXPONENTIAL doubles (with jitter, capped).
 */
public enum BackoffType {
  FIXED, EXPONENTIAL
}
