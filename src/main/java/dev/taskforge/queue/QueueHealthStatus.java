package dev.taskforge.queue;

/**
 * The PostgreSQL enum queue_health_status. A queue's health by the configured thresholds.
 */
public enum QueueHealthStatus {
  OK, DEGRADED, STALLED
}
