package dev.taskforge.queue;

/**
 * The PostgreSQL enum attempt_outcome. How an attempt ended; LOST means its lease expired (dead
 * worker or instance).
 */
public enum AttemptOutcome {
  COMPLETED, FAILED, LOST, CANCELLED, TIMED_OUT
}
